//go:build !linux

package extract

import "errors"

// setAddressSpaceLimit is a no-op where RLIMIT_DATA is not available; the
// soft Go memory limit still applies.
func setAddressSpaceLimit(n int64) {}

// canLimitChild is false where there is no RLIMIT_DATA: Tesseract is
// started directly, with only the deadline.
const canLimitChild = false

func execProgram(path string, args, env []string) error {
	return errors.New("not supported on this system")
}
