// Package hang gives tests one bound for "it did not hang": a fetch, a
// crawl or a child process that ignored its timeout or deadline. The bound
// is far beyond anything load adds to a run that did stop (a 1 s timeout
// took 4.3 s on a 2-core machine at load 10), so no test measures speed
// with it; speed targets live in benchmarks.
package hang

import "time"

// Bound is how long something expected to stop after about d may take
// before a test calls it hung: ten times d, and a minute more.
func Bound(d time.Duration) time.Duration { return 10*d + time.Minute }
