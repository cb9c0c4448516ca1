package jsonwire

import "time"

// ParseDateTime parses an RFC 3339 (section 5.6) date-time, the JSON Schema
// "date-time" format: full-date "T" time-hour ":" time-minute ":"
// time-second [time-secfrac] time-offset, with "T" and "Z" in either case.
// Fractions beyond nanoseconds are truncated. A leap second (second 60,
// allowed only at 23:59 UTC) is returned as the first instant of the next
// minute, since [time.Time] cannot hold it.
func ParseDateTime(b []byte) (time.Time, bool) {
	if len(b) < 20 || b[4] != '-' || b[7] != '-' || (b[10] != 'T' && b[10] != 't') || b[13] != ':' || b[16] != ':' {
		return time.Time{}, false
	}
	year, ok1 := digits(b[0:4])
	month, ok2 := digits(b[5:7])
	day, ok3 := digits(b[8:10])
	hour, ok4 := digits(b[11:13])
	minute, ok5 := digits(b[14:16])
	sec, ok6 := digits(b[17:19])
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) {
		return time.Time{}, false
	}
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	rest := b[19:]
	nsec := 0
	if rest[0] == '.' {
		i := 1
		scale := 100000000
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			nsec += int(rest[i]-'0') * scale
			scale /= 10
			i++
		}
		if i == 1 {
			return time.Time{}, false
		}
		rest = rest[i:]
	}
	if len(rest) == 0 {
		return time.Time{}, false
	}
	loc := time.UTC
	offsetMin := 0
	switch rest[0] {
	case 'Z', 'z':
		if len(rest) != 1 {
			return time.Time{}, false
		}
	case '+', '-':
		if len(rest) != 6 || rest[3] != ':' {
			return time.Time{}, false
		}
		oh, okh := digits(rest[1:3])
		om, okm := digits(rest[4:6])
		if !okh || !okm || oh > 23 || om > 59 {
			return time.Time{}, false
		}
		offsetMin = oh*60 + om
		if rest[0] == '-' {
			offsetMin = -offsetMin
		}
		if offsetMin != 0 || rest[0] == '+' {
			loc = time.FixedZone("", offsetMin*60)
		}
	default:
		return time.Time{}, false
	}
	if sec == 60 {
		// Leap second: only at 23:59 UTC.
		utcMin := ((hour*60+minute-offsetMin)%(24*60) + 24*60) % (24 * 60)
		if utcMin != 23*60+59 {
			return time.Time{}, false
		}
	}
	return time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc), true
}

func digits(b []byte) (int, bool) {
	n := 0
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
