// Command bench measures the decision round trip on the embedded system: an official's decision
// goes through the workflow Update, is recorded, and the next task is visible in the store.
// It starts its own embedded Temporal server and PostgreSQL cluster in a temporary directory
// (or uses --database-url), runs N concurrent cases through every step, and prints p50, p90,
// p99 and decisions per second, beside the same figures for the floors (floors.go).
package main

import (
	"bytes"
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/sop"
	"github.com/skflow/skflow/store"
)

func main() {
	cases := flag.Int("cases", 200, "cases driven concurrently")
	dbURL := flag.String("database-url", "", "use this PostgreSQL database instead of an embedded cluster")
	port := flag.Int("temporal-port", 7300, "port of the benchmark's own embedded Temporal server")
	pgPort := flag.Int("pg-port", 5499, "port of the benchmark's own embedded PostgreSQL")
	keep := flag.Bool("keep", false, "keep the temporary data directory")
	floors := flag.Bool("floors", true, "also measure the floors: an Update alone, and an Update with a local activity writing one row")
	openLoop := flag.Float64("open-loop", 0, "decisions per second arriving at a fixed rate, whatever the answers (0: each case decides as soon as its last decision is answered)")
	waiting := flag.Int("waiting", 0, "instead: start this many cases, leave them waiting on people, and measure the process's memory and idle CPU")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: bench [flags]\n\nMeasures decide → accepted → next task in the store, on an embedded skflow.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	rate = *openLoop
	if err := run(*cases, *dbURL, *port, *pgPort, *keep, *floors, *waiting); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run(n int, dbURL string, port, pgPort int, keep, floors bool, waiting int) error {
	if n < 1 {
		return errors.New("--cases must be 1 or more")
	}
	dir, err := os.MkdirTemp("", "skflow-bench-")
	if err != nil {
		return err
	}
	if !keep {
		defer os.RemoveAll(dir)
	}
	// The embedded PostgreSQL runs as the postgres user, who must be able to enter the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		return err
	}
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.Temporal.Port = port
	cfg.Temporal.UIPort = 0
	cfg.Database.EmbeddedPort = pgPort
	cfg.Database.URL = dbURL
	cfg.HTTP.Address = "127.0.0.1:0"
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	ctx := context.Background()
	sys, err := allinone.Up(ctx, &cfg, log)
	if err != nil {
		return err
	}
	defer sys.Stop()
	ops := caseops.New(sys.Client, cfg.Temporal.TaskQueue)
	def := sop.Default()
	steps := len(def.Steps)

	if waiting > 0 {
		n = waiting
	}
	fmt.Printf("starting %d cases...\n", n)
	run := time.Now().Format("150405")
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("bench-%s-%03d", run, i)
		in := chain.CaseInput{CaseID: ids[i], Title: "bench", StartedBy: "bench", Definition: *def, Calendar: cfg.Calendar,
			Proposals: benchHash(ids[i], "proposals")}
		if err := ops.Start(ctx, in); err != nil {
			return err
		}
	}
	// Cases are decided minutes after they start, not milliseconds: wait until every start is
	// recorded so the figures measure decisions, not the first workflow tasks.
	t0 := time.Now()
	for _, id := range ids {
		for {
			if _, err := sys.Store.Case(ctx, id); err == nil {
				break
			} else if !errors.Is(err, store.ErrNotFound) {
				return err
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	fmt.Printf("all %d starts recorded %s after the last start call\n", n, time.Since(t0).Round(time.Millisecond))
	if waiting > 0 {
		return idle(n)
	}
	fmt.Printf("driving %d cases through %d steps each, concurrently...\n", n, steps)
	drafts := make(map[string]string, n)
	var mu sync.Mutex
	skflow, err := drive(ids, steps, func(id string, i int) (time.Duration, error) {
		step := def.Steps[i]
		// The outputs the SOP makes steps produce are given before their agreement, as the web
		// gives them; they are not timed apart from the decision.
		mu.Lock()
		draft := drafts[id]
		mu.Unlock()
		var err error
		switch step.Produces {
		case sop.DraftSK:
			draft = benchHash(id, "draft")
			mu.Lock()
			drafts[id] = draft
			mu.Unlock()
			_, err = ops.Version(ctx, id, chain.Revision{Version: 1, SHA256: draft, By: "bench", Generated: true})
		case sop.Classification:
			_, err = ops.Output(ctx, id, chain.Output{Artefact: step.Produces, SHA256: benchHash(id, "classification"),
				By: "bench-" + step.Role, Role: step.Role})
		}
		if err != nil {
			return 0, fmt.Errorf("case %s step %d output: %w", id, step.Number, err)
		}
		d := chain.Decision{Step: step.Number, Attempt: 1, Action: chain.Agree, Document: draft,
			Actor: chain.Actor{NIP: "bench-" + step.Role, Role: step.Role}}
		t0 := time.Now()
		if err := decideAndSee(ctx, ops, sys.Store, id, d, i+1 < steps); err != nil {
			return 0, fmt.Errorf("case %s step %d: %w", id, step.Number, err)
		}
		return time.Since(t0), nil
	})
	if err != nil {
		return err
	}
	loop := "as fast as answered"
	if rate > 0 {
		loop = fmt.Sprintf("arriving at %.0f/s", rate)
	}
	skflow.print(fmt.Sprintf("skflow decide: %d decisions by %d concurrent cases, %s", len(skflow.lat), n, loop))
	fmt.Println("\n  step  p50        p99")
	for i, l := range skflow.byStep {
		slices.Sort(l)
		fmt.Printf("  %4d  %-9s  %s\n", def.Steps[i].Number, l[len(l)/2].Round(time.Millisecond), l[int(0.99*float64(len(l)-1))].Round(time.Millisecond))
	}
	if !floors {
		return nil
	}
	stop, err := startFloors(ctx, sys.Client, sys.Store)
	if err != nil {
		return err
	}
	defer stop()
	alone, err := floor(ctx, sys.Client, n, steps, false, "update")
	if err != nil {
		return fmt.Errorf("floor, Update alone: %w", err)
	}
	alone.print("floor, Update alone")
	rec, err := floor(ctx, sys.Client, n, steps, true, "recorded")
	if err != nil {
		return fmt.Errorf("floor, Update + local activity + row: %w", err)
	}
	rec.print("floor, Update + local activity + one row")
	fmt.Printf("\nskflow against the recorded floor: throughput %.2f×, p50 %.2f×, p99 %.2f×\n",
		skflow.rate()/rec.rate(), skflow.pct(0.5).Seconds()/rec.pct(0.5).Seconds(), skflow.pct(0.99).Seconds()/rec.pct(0.99).Seconds())
	return nil
}

// idle measures the all-in-one process (Temporal server, PostgreSQL's client side, worker and
// web app) while n cases wait on people: its resident memory, and the CPU it spends in a
// minute in which nothing happens.
func idle(n int) error {
	runtime.GC()
	time.Sleep(10 * time.Second) // let the starts' work settle
	cpu0, err := processCPU()
	if err != nil {
		return err
	}
	const span = time.Minute
	time.Sleep(span)
	cpu1, err := processCPU()
	if err != nil {
		return err
	}
	status, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return err
	}
	rss := ""
	for _, line := range strings.Split(string(status), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			rss = strings.TrimSpace(strings.TrimPrefix(line, "VmRSS:"))
		}
	}
	fmt.Printf("\n%d cases waiting: resident memory %s, idle CPU %.1f%% of one core over %s\n",
		n, rss, 100*(cpu1-cpu0).Seconds()/span.Seconds(), span)
	return nil
}

// processCPU is the CPU time this process has used (user and system), from /proc.
func processCPU() (time.Duration, error) {
	b, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, err
	}
	f := strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:]))
	ticks := 0
	for _, i := range []int{11, 12} { // utime and stime, after the command's name
		v, err := strconv.Atoi(f[i])
		if err != nil {
			return 0, err
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / 100, nil // USER_HZ is 100 on Linux
}

// result is one run's latencies, all and per step, and its wall time.
type result struct {
	lat    []time.Duration
	byStep [][]time.Duration
	wall   time.Duration
}

func (r result) rate() float64 { return float64(len(r.lat)) / r.wall.Seconds() }

func (r result) pct(p float64) time.Duration { return r.lat[int(p*float64(len(r.lat)-1))] }

func (r result) print(title string) {
	fmt.Printf("\n%s in %s\n", title, r.wall.Round(time.Millisecond))
	fmt.Printf("  decisions/s  %.1f\n", r.rate())
	for _, p := range []float64{0.5, 0.9, 0.99} {
		fmt.Printf("  p%-2.0f          %s\n", p*100, r.pct(p).Round(100*time.Microsecond))
	}
	fmt.Printf("  max          %s\n", r.lat[len(r.lat)-1].Round(100*time.Microsecond))
}

// rate is --open-loop: when set, decisions arrive at this many per second.
var rate float64

// drive runs every id through steps calls of one, concurrently per id and in order within
// one; one says how long its measured part took. The first error stops that id and is
// returned. In an open loop, the k-th decision of all is due at start + k/rate (round robin
// over the ids), and a call that starts late counts its lateness, so a slow answer is not
// hidden by the arrivals it delayed.
func drive(ids []string, steps int, one func(id string, step int) (time.Duration, error)) (result, error) {
	var mu sync.Mutex
	r := result{byStep: make([][]time.Duration, steps)}
	var firstErr error
	var wg sync.WaitGroup
	start := time.Now()
	for _, id := range ids {
		wg.Go(func() {
			for i := range steps {
				var late time.Duration
				if rate > 0 {
					due := start.Add(time.Duration(float64((i*len(ids))+slices.Index(ids, id)) / rate * float64(time.Second)))
					time.Sleep(time.Until(due))
					late = max(0, time.Since(due))
				}
				took, err := one(id, i)
				took += late
				mu.Lock()
				firstErr = cmp.Or(firstErr, err)
				r.lat = append(r.lat, took)
				r.byStep[i] = append(r.byStep[i], took)
				mu.Unlock()
				if err != nil {
					return
				}
			}
		})
	}
	wg.Wait()
	r.wall = time.Since(start)
	slices.Sort(r.lat)
	return r, firstErr
}

// decideAndSee decides and then checks the store shows the next step open (or the case closed).
func decideAndSee(ctx context.Context, ops *caseops.Ops, st *store.Store, id string, d chain.Decision, more bool) error {
	res, err := ops.Decide(ctx, id, fmt.Sprintf("%s/%d", id, d.Step), d)
	if err != nil {
		return err
	}
	c, err := st.Case(ctx, id)
	if err != nil {
		return err
	}
	switch {
	case more && (res.Next == nil || c.OpenStep == nil || *c.OpenStep != res.Next.Step):
		return fmt.Errorf("next task not in the store after the decision (store: %v)", c.OpenStep)
	case !more && c.State != string(chain.Completed):
		return fmt.Errorf("case not completed in the store after the last decision (%s)", c.State)
	}
	return nil
}

// benchHash is a made-up SHA-256 for one of a bench case's artefacts.
func benchHash(id, what string) string {
	sum := sha256.Sum256([]byte(id + "/" + what))
	return hex.EncodeToString(sum[:])
}
