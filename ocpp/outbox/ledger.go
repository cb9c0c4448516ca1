package outbox

import "crypto/sha256"

// Ledger is the CSMS side of exactly-once delivery: it tells a first
// delivery from a retransmission. TransactionEvents are keyed by (station,
// transactionId, seqNo), unique per event by the specification whatever
// message id carried it; MeterValues by (station, SHA-256 of the payload),
// stable across retransmissions because [Outbox] encodes an item once (two
// MeterValues with byte-identical payloads, same EVSE, timestamps and
// values, are the same reading).
//
// The station is the identity the transport authenticated: a CSMS-side
// handler passes its ocpp.Session.StationID, which the WebSocket server
// (bridge/ocppws) sets from the connection URL, so one Ledger serves every
// station of a CSMS.
//
// The ledger remembers at most maxKeys keys and forgets the oldest first;
// size it to cover the backlogs its stations may deliver at once (each
// queued item is one key). It is not safe for concurrent use.
type Ledger struct {
	max  int
	seen map[ledgerKey]struct{}
	ring []ledgerKey // insertion order, for eviction
	next int         // next slot of ring to overwrite once full
}

type ledgerKey struct {
	station, txID string
	digest        [sha256.Size]byte
	seqNo         int
}

// NewLedger returns a ledger remembering at most maxKeys keys (zero means
// [DefaultMaxItems]).
func NewLedger(maxKeys int) *Ledger {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxItems
	}
	return &Ledger{max: maxKeys, seen: make(map[ledgerKey]struct{})}
}

// TransactionEvent records one received TransactionEvent and reports
// whether it is new (false: a retransmission, answer it but do not count it).
func (l *Ledger) TransactionEvent(stationID, transactionID string, seqNo int) bool {
	return l.record(ledgerKey{station: stationID, txID: transactionID, seqNo: seqNo})
}

// MeterValues records one received MeterValues by its payload and reports
// whether it is new.
func (l *Ledger) MeterValues(stationID string, payload []byte) bool {
	return l.record(ledgerKey{station: stationID, digest: sha256.Sum256(payload), seqNo: -1})
}

func (l *Ledger) record(k ledgerKey) bool {
	if _, dup := l.seen[k]; dup {
		return false
	}
	l.seen[k] = struct{}{}
	if len(l.ring) < l.max {
		l.ring = append(l.ring, k)
		return true
	}
	delete(l.seen, l.ring[l.next])
	l.ring[l.next] = k
	l.next = (l.next + 1) % l.max
	return true
}
