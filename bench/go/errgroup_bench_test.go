// SPDX-License-Identifier: BSL-1.0
// bench/go: the same workloads against Go's golang.org/x/sync/errgroup, for the comparison table.
// Run offline by scripts/bench (GOPATH mode, Debian's golang-golang-x-sync-dev):
//
//	GO111MODULE=off GOPATH=/usr/share/gocode go test -run '^$' -bench . -benchmem ./bench/go
//
// W1 and W4 report ns/op for one round of N tasks (scripts/bench divides by N) and allocs/op.
// W3 reports the failure -> Wait() return latency: p50/p99/max (ns) as custom metrics. In Go every
// task is a started goroutine (there is no queue to skip), polling ctx.Done() and yielding.
package gobench

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"sort"
	"sync/atomic"
	"testing"
	"time"

	"golang.org/x/sync/errgroup"
)

var sink uint64

func spinWork(iters uint64) uint64 {
	x := iters
	for i := uint64(0); i < iters; i++ {
		x = x*6364136223846793005 + 1442695040888963407
	}
	return x
}

var workIters uint64 = 1000

func init() {
	const probe = 100000
	best := make([]float64, 21)
	for i := range best {
		t0 := time.Now()
		sink += spinWork(probe)
		best[i] = float64(time.Since(t0).Nanoseconds()) / probe
	}
	sort.Float64s(best)
	workIters = uint64(1000 / best[10])
}

func oneUs() { atomic.AddUint64(&sink, spinWork(workIters)&1) }

func BenchmarkW1(b *testing.B) {
	for _, kind := range []string{"empty", "1us"} {
		for _, n := range []int{16, 256, 4096} {
			kind, n := kind, n
			b.Run(fmt.Sprintf("%s/N:%d", kind, n), func(b *testing.B) {
				b.ReportAllocs()
				for i := 0; i < b.N; i++ {
					var g errgroup.Group
					for k := 0; k < n; k++ {
						if kind == "empty" {
							g.Go(func() error { return nil })
						} else {
							g.Go(func() error { oneUs(); return nil })
						}
					}
					if err := g.Wait(); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

func BenchmarkW4(b *testing.B) {
	b.Run("limit2/N:1024", func(b *testing.B) {
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			var g errgroup.Group
			g.SetLimit(2)
			for k := 0; k < 1024; k++ {
				g.Go(func() error { return nil })
			}
			if err := g.Wait(); err != nil {
				b.Fatal(err)
			}
		}
	})
}

var errFail = errors.New("fail")

func BenchmarkW3(b *testing.B) {
	for _, n := range []int{256, 4096} {
		n := n
		b.Run(fmt.Sprintf("N:%d", n), func(b *testing.B) {
			samples := make([]int64, 0, b.N)
			for i := 0; i < b.N; i++ {
				var submitted atomic.Bool
				var tFail atomic.Int64
				g, ctx := errgroup.WithContext(context.Background())
				for k := 0; k < n; k++ {
					if k == 0 {
						g.Go(func() error {
							for !submitted.Load() {
								runtime.Gosched()
							}
							tFail.Store(time.Now().UnixNano())
							return errFail
						})
					} else {
						g.Go(func() error {
							for {
								select {
								case <-ctx.Done():
									return nil
								default:
									runtime.Gosched()
								}
							}
						})
					}
				}
				submitted.Store(true)
				if err := g.Wait(); err != errFail {
					b.Fatal(err)
				}
				samples = append(samples, time.Now().UnixNano()-tFail.Load())
			}
			sort.Slice(samples, func(i, j int) bool { return samples[i] < samples[j] })
			q := func(p float64) float64 { return float64(samples[int(p*float64(len(samples)-1))]) }
			b.ReportMetric(q(0.5), "p50-ns")
			b.ReportMetric(q(0.99), "p99-ns")
			b.ReportMetric(float64(samples[len(samples)-1]), "max-ns")
		})
	}
}
