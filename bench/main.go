// Command bench measures the decision round trip on the embedded system: an official's decision
// goes through the workflow Update, is recorded, and the next task is visible in the store.
// It starts its own embedded Temporal server and PostgreSQL cluster in a temporary directory
// (or uses --database-url), runs N concurrent cases through every step, and prints p50, p90,
// p99 and decisions per second, beside the same figures for the floors (floors.go).
package main

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/internal/proccpu"
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
	flag.StringVar(&memProfile, "memprofile", "", "with --waiting: write a heap profile of the process once the cases wait (go tool pprof)")
	flag.StringVar(&cpuProfile, "cpuprofile", "", "write a CPU profile of the process while skflow's decisions run, or with --province while the pages are read (go tool pprof)")
	rounds := flag.Int("rounds", 1, "measure skflow and the floors this many times, every other round in the opposite order, and print the median of their ratios")
	warmup := flag.Bool("warmup", true, "first run skflow and the floors once, printed but not counted, so that no counted phase meets a cold process and database")
	waiting := flag.Int("waiting", 0, "instead: start this many cases, leave them waiting on people, and measure the process's memory and idle CPU")
	provinceRequests := flag.Int("province", 0, "instead: seed a province's records (70,000 cases, 1,000,000 step rows) and time this many requests of each page over them")
	flag.Usage = func() {
		fmt.Fprintf(flag.CommandLine.Output(), "Usage: bench [flags]\n\nMeasures decide → accepted → next task in the store, on an embedded skflow.\n\nFlags:\n")
		flag.PrintDefaults()
	}
	flag.Parse()
	rate = *openLoop
	var err error
	if *provinceRequests > 0 {
		err = pages(*dbURL, *port, *pgPort, *keep, *provinceRequests)
	} else {
		err = run(*cases, *dbURL, *port, *pgPort, *keep, *floors, *waiting, *rounds, *warmup)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// pages is --province.
func pages(dbURL string, port, pgPort int, keep bool, requests int) error {
	ctx := context.Background()
	sys, stop, err := embedded(ctx, dbURL, port, pgPort, keep)
	if err != nil {
		return err
	}
	defer stop()
	return province(ctx, sys, requests)
}

func run(n int, dbURL string, port, pgPort int, keep, floors bool, waiting, rounds int, warmup bool) error {
	if n < 1 {
		return errors.New("--cases must be 1 or more")
	}
	if rounds < 1 {
		return errors.New("--rounds must be 1 or more")
	}
	ctx := context.Background()
	sys, stop, err := embedded(ctx, dbURL, port, pgPort, keep)
	if err != nil {
		return err
	}
	defer stop()
	ops := caseops.New(sys.Client, sys.Config.Temporal.TaskQueue)
	stamp := time.Now().Format("150405")
	if waiting > 0 {
		if _, err := startAll(ctx, sys, ops, "bench-"+stamp, waiting); err != nil {
			return err
		}
		return idle(waiting)
	}
	meter := newCPUMeter(sys)
	phases := []phase{{"skflow", func(round int) (result, error) {
		return decisions(ctx, sys, ops, meter, fmt.Sprintf("bench-%s-%d", stamp, round), n, round == 1)
	}}}
	if floors {
		stopFloors, err := startFloors(ctx, sys.Client, sys.Store)
		if err != nil {
			return err
		}
		defer stopFloors()
		steps := len(sop.Default().Steps)
		for _, f := range []struct {
			name string
			kind floorKind
		}{{"floor, Update alone", floorAlone}, {recordedFloor, floorRow}, {timedFloor, floorTimer}} {
			phases = append(phases, phase{f.name, func(round int) (result, error) {
				r, err := floor(ctx, sys.Client, meter, n, steps, f.kind, fmt.Sprintf("%d-%d", f.kind, round))
				if err != nil {
					return r, fmt.Errorf("%s: %w", f.name, err)
				}
				r.print(f.name)
				return r, nil
			}})
		}
	}
	// Throughput, p50 and p99 against each floor skflow is compared with, a round each.
	against := []string{recordedFloor, timedFloor}
	tallies := make([]tally, len(against))
	// The first phase of a process runs on cold caches (the database's buffers and backends,
	// the server's and the worker's, a heap still growing) and it is always skflow's: measured
	// alone in round 1 of five, it gave 0.71× against 0.89–1.08× in the four later rounds. A
	// round 0 warms them and is not counted.
	first := 1
	if warmup {
		first = 0
	}
	for round := first; round <= rounds; round++ {
		switch {
		case round == 0:
			fmt.Printf("\n== warm-up round, not counted\n")
		case rounds > 1 || warmup:
			fmt.Printf("\n== round %d of %d\n", round, rounds)
		}
		// Every other round runs its phases in the opposite order, so a machine that speeds up
		// or slows down during a run favours no phase.
		order := slices.Clone(phases)
		if round%2 == 0 {
			slices.Reverse(order)
		}
		got := map[string]result{}
		for _, ph := range order {
			r, err := ph.run(round)
			if err != nil {
				return err
			}
			got[ph.name] = r
		}
		if !floors {
			continue
		}
		fmt.Println()
		sk := got["skflow"]
		for k, name := range against {
			fl := got[name]
			ratio := ratios{sk.rate() / fl.rate(), sk.pct(0.5).Seconds() / fl.pct(0.5).Seconds(),
				sk.pct(0.99).Seconds() / fl.pct(0.99).Seconds(), sk.cpu().Seconds() / fl.cpu().Seconds()}
			fmt.Printf("skflow against the %s: %s\n", floorTitle[name], ratio)
			tallies[k].add(round, ratio)
		}
	}
	if n := quiet.dropped.Load(); n > 0 {
		fmt.Printf("\n%d completed cases had no participants to train, as bench cases have none (their ERROR lines are not shown)\n", n)
	}
	if floors && rounds > 1 {
		for k, name := range against {
			fmt.Printf("\nover %d rounds, skflow against the %s, median (least–most):\n", rounds, floorTitle[name])
			for i, what := range ratioNames {
				median, least, most := tallies[k].summary(i)
				fmt.Printf("  %-14s  %.2f× (%.2f–%.2f)\n", what, median, least, most)
			}
		}
	}
	return nil
}

// recordedFloor is the phase skflow is held against: the least a recorded decision costs.
// timedFloor adds what a decision also does where steps remind their officials.
const (
	recordedFloor = "floor, Update + local activity + one row"
	timedFloor    = "floor, Update + local activity + one row + timer set again"
)

// floorTitle names a floor in the ratios' lines.
var floorTitle = map[string]string{recordedFloor: "recorded floor", timedFloor: "recorded floor with a timer"}

// phase is one measured part of a round: skflow's decisions, or a floor's.
type phase struct {
	name string
	run  func(round int) (result, error)
}

// decisions starts n cases named prefix-NNN, hands them what their later steps need, then
// times their decisions through every step, concurrently, and checks the store holds them.
// profiled says whether --cpuprofile covers this run.
func decisions(ctx context.Context, sys *allinone.System, ops *caseops.Ops, meter cpuMeter, prefix string, n int, profiled bool) (result, error) {
	def := sop.Default()
	steps := len(def.Steps)
	ids, err := startAll(ctx, sys, ops, prefix, n)
	if err != nil {
		return result{}, err
	}
	fmt.Printf("driving %d cases through %d steps each, concurrently...\n", n, steps)
	dc := &decider{ops: ops, st: sys.Store, def: def, drafts: make(map[string]string, n)}
	if _, err := drive(ids, 1, func(id string, _ int) (time.Duration, error) { return 0, dc.prepare(id) }); err != nil {
		return result{}, err
	}
	stopProfile := func() {}
	if profiled {
		if stopProfile, err = profile(); err != nil {
			return result{}, err
		}
	}
	w := sys.Store.Writes()
	t0, c0, r0 := w.Transitions.Load(), w.Calls.Load(), w.Retried.Load()
	r, err := meter.measure(func() (result, error) { return drive(ids, steps, dc.step) })
	stopProfile()
	if err != nil {
		return r, err
	}
	t1, c1, r1 := w.Transitions.Load(), w.Calls.Load(), w.Retried.Load()
	if err := dc.verify(ctx, ids); err != nil {
		return r, err
	}
	loop := "as fast as answered"
	if rate > 0 {
		loop = fmt.Sprintf("arriving at %.0f/s", rate)
	}
	r.print(fmt.Sprintf("skflow decide: %d decisions by %d concurrent cases, %s", len(r.lat), n, loop))
	if c1 > c0 {
		fmt.Printf("  writes       %d transitions in %d calls (%.1f a call), %d written again alone\n",
			t1-t0, c1-c0, float64(t1-t0)/float64(c1-c0), r1-r0)
	}
	fmt.Println("\n  step  p50        p99")
	for i, l := range r.byStep {
		slices.Sort(l)
		fmt.Printf("  %4d  %-9s  %s\n", def.Steps[i].Number, l[len(l)/2].Round(time.Millisecond), l[int(0.99*float64(len(l)-1))].Round(time.Millisecond))
	}
	return r, nil
}

// embedded starts the all-in-one in a temporary directory, with its own Temporal server on port
// and PostgreSQL cluster on pgPort (or the database at dbURL); stop stops it and removes the
// directory unless keep.
func embedded(ctx context.Context, dbURL string, port, pgPort int, keep bool) (*allinone.System, func(), error) {
	dir, err := os.MkdirTemp("", "skflow-bench-")
	if err != nil {
		return nil, nil, err
	}
	remove := func() {
		if !keep {
			os.RemoveAll(dir)
		}
	}
	// The embedded PostgreSQL runs as the postgres user, who must be able to enter the directory.
	if err := os.Chmod(dir, 0o755); err != nil {
		remove()
		return nil, nil, err
	}
	cfg := config.Defaults()
	cfg.DataDir = dir
	cfg.Temporal.Port = port
	cfg.Temporal.UIPort = 0
	cfg.Database.EmbeddedPort = pgPort
	cfg.Database.URL = dbURL
	cfg.HTTP.Address = "127.0.0.1:0"
	quiet = newUntrained(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	log := slog.New(quiet)
	sys, err := allinone.Up(ctx, &cfg, log)
	if err != nil {
		remove()
		return nil, nil, err
	}
	return sys, func() {
		if err := sys.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: stopping the system:", err)
		}
		remove()
	}, nil
}

// idle measures the all-in-one process (Temporal server, PostgreSQL's client side, worker and
// web app) while n cases wait on people: its resident memory, and the CPU it spends in a
// minute in which nothing happens.
func idle(n int) error {
	runtime.GC()
	time.Sleep(10 * time.Second) // let the starts' work settle
	cpu0, err := proccpu.Process("self")
	if err != nil {
		return err
	}
	const span = time.Minute
	time.Sleep(span)
	cpu1, err := proccpu.Process("self")
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
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Printf("\n%d cases waiting: resident memory %s, idle CPU %.1f%% of one core over %s\n",
		n, rss, 100*(cpu1-cpu0).Seconds()/span.Seconds(), span)
	fmt.Printf("  Go heap in use %d MB, goroutine stacks %d MB, from the OS %d MB, %d goroutines\n",
		m.HeapInuse>>20, m.StackInuse>>20, m.Sys>>20, runtime.NumGoroutine())
	if memProfile == "" {
		return nil
	}
	f, err := os.Create(memProfile)
	if err != nil {
		return err
	}
	if err := pprof.WriteHeapProfile(f); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	// The goroutines beside it: each one's stack is memory too.
	g, err := os.Create(memProfile + ".goroutines")
	if err != nil {
		return err
	}
	if err := pprof.Lookup("goroutine").WriteTo(g, 0); err != nil {
		g.Close()
		return err
	}
	return g.Close()
}

// cpuMeter reads the CPU time of this process and of the embedded PostgreSQL cluster (its
// postmaster and backends; none with --database-url), to say what a decision costs.
type cpuMeter struct{ postmaster string }

func newCPUMeter(sys *allinone.System) cpuMeter {
	if !sys.Config.EmbeddedDatabase() {
		return cpuMeter{}
	}
	b, err := os.ReadFile(filepath.Join(sys.Config.Path("postgres"), "postmaster.pid"))
	if err != nil {
		fmt.Fprintln(os.Stderr, "bench: PostgreSQL's CPU is not measured:", err)
		return cpuMeter{}
	}
	return cpuMeter{postmaster: strings.SplitN(string(b), "\n", 2)[0]}
}

// read returns this process's CPU time and the cluster's.
func (m cpuMeter) read() (self, pg time.Duration, err error) {
	if self, err = proccpu.Process("self"); err != nil || m.postmaster == "" {
		return self, 0, err
	}
	pg, err = proccpu.WithChildren(m.postmaster)
	return self, pg, err
}

// measure runs phase and records in its result the CPU it cost.
func (m cpuMeter) measure(phase func() (result, error)) (result, error) {
	s0, p0, err := m.read()
	if err != nil {
		return result{}, fmt.Errorf("CPU time: %w", err)
	}
	r, err := phase()
	if err != nil {
		return r, err
	}
	s1, p1, err := m.read()
	r.cpuSelf, r.cpuPG = s1-s0, p1-p0
	return r, err
}

// result is one run's latencies, all and per step, and its wall time.
type result struct {
	lat    []time.Duration
	byStep [][]time.Duration
	wall   time.Duration
	// cpuSelf and cpuPG are the CPU time this process and the embedded PostgreSQL spent.
	cpuSelf, cpuPG time.Duration
}

func (r result) rate() float64 { return float64(len(r.lat)) / r.wall.Seconds() }

// cpu is what a decision cost this process and the embedded PostgreSQL (none is measured with
// --database-url).
func (r result) cpu() time.Duration { return (r.cpuSelf + r.cpuPG) / time.Duration(len(r.lat)) }

func (r result) pct(p float64) time.Duration { return r.lat[int(p*float64(len(r.lat)-1))] }

func (r result) print(title string) {
	fmt.Printf("\n%s in %s\n", title, r.wall.Round(time.Millisecond))
	fmt.Printf("  decisions/s  %.1f\n", r.rate())
	for _, p := range []float64{0.5, 0.9, 0.99} {
		fmt.Printf("  p%-2.0f          %s\n", p*100, r.pct(p).Round(100*time.Microsecond))
	}
	fmt.Printf("  max          %s\n", r.lat[len(r.lat)-1].Round(100*time.Microsecond))
	if n := time.Duration(len(r.lat)); r.cpuSelf > 0 {
		fmt.Printf("  CPU/decision %s (this process %s, PostgreSQL %s)\n", r.cpu().Round(10*time.Microsecond),
			(r.cpuSelf / n).Round(10*time.Microsecond), (r.cpuPG / n).Round(10*time.Microsecond))
	}
}

// cpuProfile and memProfile are --cpuprofile and --memprofile.
var cpuProfile, memProfile string

// profile starts the CPU profile --cpuprofile asks for; stop ends it.
func profile() (stop func(), err error) {
	if cpuProfile == "" {
		return func() {}, nil
	}
	f, err := os.Create(cpuProfile)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() {
		pprof.StopCPUProfile()
		if err := f.Close(); err != nil {
			fmt.Fprintln(os.Stderr, "bench: CPU profile:", err)
		}
	}, nil
}

// rate is --open-loop: when set, decisions arrive at this many per second.
var rate float64

// quiet is the system's log, without the failures the bench's cases meet by design.
var quiet untrained

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

// startAll is startCases, saying how long the starts took to be recorded.
func startAll(ctx context.Context, sys *allinone.System, ops *caseops.Ops, prefix string, n int) ([]string, error) {
	fmt.Printf("starting %d cases...\n", n)
	t0 := time.Now()
	ids, err := startCases(ctx, sys, ops, prefix, n)
	if err != nil {
		return nil, err
	}
	fmt.Printf("all %d starts recorded %s after the first start call\n", n, time.Since(t0).Round(time.Millisecond))
	return ids, nil
}

// startCases starts n cases of the default definition named prefix-NNN and returns once every
// start is recorded: cases are decided minutes after they start, not milliseconds, so the
// figures measure decisions, not the first workflow tasks.
func startCases(ctx context.Context, sys *allinone.System, ops *caseops.Ops, prefix string, n int) ([]string, error) {
	def := sop.Default()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("%s-%03d", prefix, i)
		in := chain.CaseInput{CaseID: ids[i], Title: "bench", StartedBy: "bench", Definition: *def, Calendar: sys.Config.Calendar,
			Proposals: benchHash(ids[i], "proposals")}
		if err := ops.Start(ctx, in); err != nil {
			return nil, err
		}
	}
	for _, id := range ids {
		for {
			if _, err := sys.Store.Case(ctx, id); err == nil {
				break
			} else if !errors.Is(err, store.ErrNotFound) {
				return nil, err
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
	return ids, nil
}

// decider takes bench cases through their steps.
type decider struct {
	ops    *caseops.Ops
	st     *store.Store
	def    *sop.Definition
	mu     sync.Mutex
	drafts map[string]string // each case's draft
}

// prepare hands a case, while its first step is open, the outputs the SOP makes later steps
// produce (the classification and the draft), as a drafting role may: what is timed is then
// the decisions alone, as the floors time their Updates alone.
func (dc *decider) prepare(id string) error {
	ctx := context.Background()
	for _, step := range dc.def.Steps {
		var err error
		switch step.Produces {
		case sop.DraftSK:
			draft := benchHash(id, "draft")
			dc.mu.Lock()
			dc.drafts[id] = draft
			dc.mu.Unlock()
			_, err = dc.ops.Version(ctx, id, chain.Revision{Version: 1, SHA256: draft, By: "bench", Generated: true})
		case sop.Classification:
			_, err = dc.ops.Output(ctx, id, chain.Output{Artefact: step.Produces, SHA256: benchHash(id, "classification"),
				By: "bench-" + step.Role, Role: step.Role})
		}
		if err != nil {
			return fmt.Errorf("case %s, the output of step %d: %w", id, step.Number, err)
		}
	}
	return nil
}

// step decides the i-th step of case id and returns how long the decision took to be
// answered; the answer must name the next step.
func (dc *decider) step(id string, i int) (time.Duration, error) {
	step := dc.def.Steps[i]
	dc.mu.Lock()
	draft := dc.drafts[id]
	dc.mu.Unlock()
	d := chain.Decision{Step: step.Number, Attempt: 1, Action: chain.Agree, Document: draft,
		Actor: chain.Actor{NIP: "bench-" + step.Role, Role: step.Role}}
	t0 := time.Now()
	res, err := dc.ops.Decide(context.Background(), id, fmt.Sprintf("%s/%d", id, d.Step), d)
	took := time.Since(t0)
	switch {
	case err != nil:
		return 0, fmt.Errorf("case %s step %d: %w", id, step.Number, err)
	case i+1 < len(dc.def.Steps) && (res.Next == nil || res.Next.Step != dc.def.Steps[i+1].Number):
		return 0, fmt.Errorf("case %s step %d: the answer names %v as the next task", id, step.Number, res.Next)
	}
	return took, nil
}

// verify checks, after the clock, that the store holds what the answers said: every case
// completed, each of its steps decided once. The workflow answers only after its write is
// committed, so this holds the moment each answer arrives.
func (dc *decider) verify(ctx context.Context, ids []string) error {
	tasks, err := dc.st.TasksOf(ctx, ids)
	if err != nil {
		return err
	}
	decided := map[string]int{}
	for _, t := range tasks {
		if t.Decision != nil {
			decided[t.CaseID]++
		}
	}
	for _, id := range ids {
		c, err := dc.st.Case(ctx, id)
		if err != nil {
			return err
		}
		if c.State != string(chain.Completed) || decided[id] != len(dc.def.Steps) {
			return fmt.Errorf("case %s in the store: %s with %d steps decided, want completed with %d", id, c.State, decided[id], len(dc.def.Steps))
		}
	}
	return nil
}

// benchHash is a made-up SHA-256 for one of a bench case's artefacts.
func benchHash(id, what string) string {
	sum := sha256.Sum256([]byte(id + "/" + what))
	return hex.EncodeToString(sum[:])
}
