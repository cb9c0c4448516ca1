package revocation

import (
	"crypto/x509"
	"sync"
	"time"
)

// Cache keeps verified OCSP responses until their nextUpdate, as a charging
// station caches the responses for its SECC chain (OCPP M06 [S]) and a CSMS
// those of contract chains. Times come from the caller. It is safe for
// concurrent use.
type Cache struct {
	mu sync.Mutex
	m  map[string]*Response // by issuer key + serial; guarded by mu
}

// NewCache returns an empty cache.
func NewCache() *Cache { return &Cache{m: make(map[string]*Response)} }

func cacheKey(cert, issuer *x509.Certificate) string {
	return string(issuer.RawSubjectPublicKeyInfo) + "/" + cert.SerialNumber.Text(16)
}

// Add verifies der with [ParseResponse] at time at and keeps it.
func (c *Cache) Add(der []byte, cert, issuer *x509.Certificate, at time.Time) (*Response, error) {
	r, err := ParseResponse(der, cert, issuer, at)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.m[cacheKey(cert, issuer)] = r
	c.mu.Unlock()
	return r, nil
}

// Get returns the cached response about cert when it is fresh at time at;
// a response past its nextUpdate is dropped and reported missing.
func (c *Cache) Get(cert, issuer *x509.Certificate, at time.Time) (*Response, bool) {
	k := cacheKey(cert, issuer)
	c.mu.Lock()
	defer c.mu.Unlock()
	r, ok := c.m[k]
	if !ok {
		return nil, false
	}
	if !r.Fresh(at) {
		if at.After(r.NextUpdate) {
			delete(c.m, k)
		}
		return nil, false
	}
	return r, true
}

// Len returns the number of cached responses.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.m)
}
