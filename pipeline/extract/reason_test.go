package extract

import (
	"errors"
	"testing"
)

// TestReason: what a dead child printed becomes one line naming the cause.
func TestReason(t *testing.T) {
	const oom = "out of memory (limit 256 MiB, --max-memory)"
	cases := []struct {
		name, stderr, want string
	}{
		{"runtime out of memory", "fatal error: out of memory allocating heap arena metadata\n\nruntime stack:\nruntime.throw(...)\n", oom},
		{"mmap refused", "fatal error: runtime: cannot allocate memory\n", oom},
		{"no thread stack", "runtime: failed to create new OS thread (have 5 already; errno=11)\n", oom},
		{"fault inside the garbage collector", `SIGSEGV: segmentation violation
PC=0x438dbd m=4 sigcode=1 addr=0x0

goroutine 0 gp=0x38fcbb7b7860 m=4 mp=0x38fcbb7ff808 [idle]:
runtime.(*spanQueue).tryDrain(0x400?, 0xffffffff00000000?, 0xbb7b7860?)
	/usr/local/go/src/runtime/mgcmark_greenteagc.go:520 +0x5d
runtime.(*spanQueue).drain(0x38fcbb7ef278, 0x10)
`, oom},
		{"fault outside the runtime is not the limit", `SIGSEGV: segmentation violation
PC=0x0 m=0 sigcode=1

goroutine 1 gp=0xc000002380 m=0 mp=0x1 [running]:
github.com/ledongthuc/pdf.(*buffer).readByte(...)
`, "SIGSEGV: segmentation violation"},
		{"nil pointer in Go code is a panic", `panic: runtime error: invalid memory address or nil pointer dereference
[signal SIGSEGV: segmentation violation code=0x1 addr=0x0 pc=0x4a1b2c]

goroutine 1 [running]:
runtime.panicmem()
`, "panic: runtime error: invalid memory address or nil pointer dereference"},
		{"last line", "warning: something\nthe end\n", "the end"},
		{"nothing printed", "", "exit status 2"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var tb tailBuffer
			tb.Write([]byte(c.stderr))
			if got := tb.reason(errors.New("exit status 2"), 256<<20); got != c.want {
				t.Errorf("reason = %q, want %q", got, c.want)
			}
		})
	}
}
