package ocppws

import "sync"

// bufferPool shares write buffers between connections: an idle OCPP
// connection writes rarely, so holding a buffer per connection wastes memory.
type bufferPool struct{ p sync.Pool }

func newBufferPool() *bufferPool { return &bufferPool{} }

// Get returns a pooled buffer or nil, as gorilla's BufferPool asks.
func (b *bufferPool) Get() any { return b.p.Get() }

// Put returns a buffer to the pool.
func (b *bufferPool) Put(x any) { b.p.Put(x) }
