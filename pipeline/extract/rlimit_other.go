//go:build !linux

package extract

// setAddressSpaceLimit is a no-op where RLIMIT_DATA is not available; the
// soft Go memory limit still applies.
func setAddressSpaceLimit(n int64) {}
