package checks

import (
	"fmt"
	"slices"
	"strings"
	"sync"
)

var (
	registryMu sync.RWMutex
	registry   = map[string]Check{}
)

// Register makes a check available to every run. It is meant to be called
// from an init function and panics when two checks claim the same ID, as
// database/sql.Register does.
func Register(c Check) {
	registryMu.Lock()
	defer registryMu.Unlock()
	if c == nil {
		panic("checks: Register of a nil check")
	}
	if _, dup := registry[c.ID()]; dup {
		panic(fmt.Sprintf("checks: Register called twice for %q", c.ID()))
	}
	registry[c.ID()] = c
}

// All returns the registered checks, sorted by ID.
func All() []Check {
	registryMu.RLock()
	defer registryMu.RUnlock()
	all := make([]Check, 0, len(registry))
	for _, c := range registry {
		all = append(all, c)
	}
	slices.SortFunc(all, func(a, b Check) int { return strings.Compare(a.ID(), b.ID()) })
	return all
}

// ByID returns the check that fills the namespace id.
func ByID(id string) (Check, bool) {
	registryMu.RLock()
	defer registryMu.RUnlock()
	c, ok := registry[id]
	return c, ok
}
