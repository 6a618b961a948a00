package systemtest

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
	"go.temporal.io/sdk/worker"

	"github.com/skflow/skflow/caseops"
	"github.com/skflow/skflow/chain"
	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/internal/smtpsink"
	"github.com/skflow/skflow/internal/testenv"
	"github.com/skflow/skflow/mailer"
	"github.com/skflow/skflow/store"
	"github.com/skflow/skflow/worktime"
)

// The test binary runs as a worker process when these are set: see workerProcess.
const (
	envTemporal  = "SKFLOW_TEST_WORKER_TEMPORAL"
	envNamespace = "SKFLOW_TEST_WORKER_NAMESPACE"
	envDatabase  = "SKFLOW_TEST_WORKER_DATABASE"
	envSMTP      = "SKFLOW_TEST_WORKER_SMTP"
	envSigning   = "SKFLOW_TEST_WORKER_SIGNING"
	envIdentity  = "SKFLOW_TEST_WORKER_IDENTITY"
)

func TestMain(m *testing.M) {
	if os.Getenv(envTemporal) != "" {
		if err := workerProcess(); err != nil {
			fmt.Fprintln(os.Stderr, "worker process:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// workerProcess is what the all-in-one runs beside an external Temporal and PostgreSQL: the
// case and training workflows with their activities, and the mailer. It says "ready" once it
// polls, and runs until it is stopped or killed.
func workerProcess() error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	c, err := client.Dial(client.Options{HostPort: os.Getenv(envTemporal), Namespace: os.Getenv(envNamespace),
		Identity: os.Getenv(envIdentity), Logger: sdklog.NewStructuredLogger(log)})
	if err != nil {
		return err
	}
	defer c.Close()
	st, err := store.Open(ctx, os.Getenv(envDatabase))
	if err != nil {
		return err
	}
	defer st.Close()
	p, err := testenv.PublisherIn(os.Getenv(envSigning), st)
	if err != nil {
		return err
	}
	w := worker.New(c, taskQueue, worker.Options{})
	testenv.Register(w, st, p)
	if err := w.Start(); err != nil {
		return err
	}
	defer w.Stop()
	go mailer.New(st, config.SMTP{Address: os.Getenv(envSMTP), From: "bkpsdm@wajokab.go.id"},
		config.Delivery{FallbackEmail: "bkpsdm@wajokab.go.id"}, log).Run(ctx, 200*time.Millisecond)
	fmt.Println("ready")
	<-ctx.Done()
	return nil
}

// Two worker processes share one Temporal server and one PostgreSQL, as two all-in-ones on an
// external Temporal would; one is killed (SIGKILL: no goodbye, its tasks and its mailer's claims
// left where they were) while cases are being decided. Every case completes on the other, each
// transition recorded once, each audit chain intact, and every mail (the decrees' deliveries and
// the trainings' summons) sent exactly once.
func TestTwoWorkerProcessesOneKilled(t *testing.T) {
	if testing.Short() {
		t.Skip("starts two worker processes")
	}
	e := testenv.New(t, taskQueue, true)
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	sink := smtpsink.New(t)
	signing := t.TempDir()
	if _, err := testenv.PublisherIn(signing, e.Store); err != nil { // one CA for both
		t.Fatal(err)
	}
	start := func(identity string) *exec.Cmd {
		cmd := exec.Command(os.Args[0], "-test.run=^$")
		cmd.Env = append(os.Environ(), envTemporal+"="+e.Server.GetFrontendHostPort(), envNamespace+"="+e.Server.GetDefaultNamespace(),
			envDatabase+"="+e.DBURL, envSMTP+"="+sink.Addr, envSigning+"="+signing, envIdentity+"="+identity)
		cmd.Stderr = os.Stderr
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
		if line, err := bufio.NewReader(out).ReadString('\n'); err != nil || line != "ready\n" {
			t.Fatalf("worker %s did not start: %q %v", identity, line, err)
		}
		return cmd
	}
	killed := start("worker-killed")
	start("worker-survivor")

	ops := caseops.New(e.Client, taskQueue)
	const cases = 6
	ids := make([]string, cases)
	for i := range ids {
		ids[i] = fmt.Sprintf("latsar-killed-%d", i)
		e.StartCase(t, ops, ids[i], worktime.DefaultSpec())
	}
	var wg sync.WaitGroup
	var once sync.Once
	var again atomic.Int64
	began := time.Now()
	for _, id := range ids {
		wg.Go(func() {
			for step := range 15 {
				if step == 5 { // the first case to get here kills the first worker
					once.Do(func() {
						if err := killed.Process.Kill(); err != nil {
							t.Error(err)
						}
					})
				}
				decideRetrying(ctx, t, ops, id, &again)
			}
		})
	}
	wg.Wait()
	// The kill was one: the process ended on the signal, not of its own accord.
	ended := make(chan error, 1)
	go func() { ended <- killed.Wait() }()
	select {
	case err := <-ended:
		if err == nil || !strings.Contains(err.Error(), "signal: killed") {
			t.Fatalf("the first worker ended, but not killed: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the first worker is still running")
	}
	identities := map[string]bool{}
	for _, id := range ids {
		if s := waitClosed(ctx, t, e.Client, id); s.State != chain.Completed {
			t.Fatalf("%s ended %s", id, s.State)
		}
		for _, ev := range history(ctx, t, e.Client, id).Events {
			if a := ev.GetWorkflowTaskCompletedEventAttributes(); a != nil {
				identities[a.Identity] = true
			}
		}
		tasks, err := e.Store.Tasks(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		decided := map[int]int{}
		for _, task := range tasks {
			if task.DecidedAt != nil {
				decided[task.Step]++
			}
		}
		if len(tasks) != 15 || len(decided) != 15 {
			t.Fatalf("%s: %d task rows, %d steps decided; want 15 and 15", id, len(tasks), len(decided))
		}
		audit, err := e.Store.Audit(ctx, id)
		if err != nil {
			t.Fatal(err)
		}
		counts := map[string]int{}
		for _, a := range audit {
			counts[a.Action]++
		}
		if counts["step_decided"] != 15 || counts["step_opened"] != 15 || counts["decree_issued"] != 1 || counts["trainings_started"] != 1 {
			t.Fatalf("%s: audit rows %v", id, counts)
		}
	}
	if !identities["worker-killed"] || !identities["worker-survivor"] {
		t.Fatalf("workflow tasks completed by %v: both workers should have worked", identities)
	}
	if c, err := e.Store.VerifyAudit(ctx); err != nil || c.Broken != nil {
		t.Fatalf("audit log after the kill: %+v %v", c, err)
	}
	n := assertMailedOnce(ctx, t, e.Store, sink, 2*cases)
	t.Logf("%d cases decided in %s, %d decisions asked again after the kill; %d messages, each sent once",
		cases, time.Since(began).Round(time.Millisecond), again.Load(), n)
}

// decideRetrying decides the open step, and asks again with the same key when the answer is
// lost to the killed worker (it holds the case's task until the server gives it to the other).
func decideRetrying(ctx context.Context, t *testing.T, ops *caseops.Ops, id string, again *atomic.Int64) {
	t.Helper()
	for try := 0; ; try++ {
		if try == 1 {
			again.Add(1)
		}
		key, d, err := openDecision(ctx, ops, id, chain.Agree, "")
		if err == nil {
			_, err = ops.Decide(ctx, id, key, d)
		}
		var rej *caseops.Rejection
		switch {
		case err == nil:
			return
		case errors.Is(err, caseops.ErrNotTaken), errors.Is(err, caseops.ErrNotYetRecorded),
			errors.As(err, &rej) && rej.Type == chain.RejectBusy:
			if ctx.Err() != nil {
				t.Fatalf("case %s: %v", id, err)
			}
			time.Sleep(200 * time.Millisecond)
		default:
			t.Fatalf("case %s: %v", id, err)
		}
	}
}

// assertMailedOnce waits until the outbox holds want messages, all sent, checks the SMTP
// server got each exactly once, and returns how many there are.
func assertMailedOnce(ctx context.Context, t *testing.T, st *store.Store, sink *smtpsink.Sink, want int) int {
	t.Helper()
	var rows []struct {
		ID     int64      `db:"id"`
		SentAt *time.Time `db:"sent_at"`
	}
	for {
		rows = rows[:0]
		if err := st.DB().SelectContext(ctx, &rows, `SELECT id, sent_at FROM outbox ORDER BY id`); err != nil {
			t.Fatal(err)
		}
		sent := 0
		for _, r := range rows {
			if r.SentAt != nil {
				sent++
			}
		}
		if len(rows) >= want && sent == len(rows) {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%d of %d messages sent (want %d messages)", sent, len(rows), want)
		}
		time.Sleep(200 * time.Millisecond)
	}
	got := map[string]int{} // by outbox row: the Message-ID is <row.case@skflow>
	for _, m := range sink.Received() {
		got[strings.SplitN(strings.TrimPrefix(m.MessageID(), "<"), ".", 2)[0]]++
	}
	for _, r := range rows {
		if n := got[strconv.FormatInt(r.ID, 10)]; n != 1 {
			t.Errorf("outbox message %d reached the mail server %d times", r.ID, n)
		}
	}
	if len(sink.Received()) != len(rows) {
		t.Errorf("the mail server got %d messages for %d in the outbox", len(sink.Received()), len(rows))
	}
	return len(rows)
}
