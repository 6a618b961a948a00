package allinone

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// A job runs again every interval, a failed round is logged and the next one tries again, and
// once Stop returns no round is under way or starts.
func TestEveryRepeatsAJobUntilTheSystemStops(t *testing.T) {
	var mu sync.Mutex
	var logged bytes.Buffer
	s := &System{log: slog.New(slog.NewTextHandler(&lockedWriter{mu: &mu, w: &logged}, nil))}
	var runs atomic.Int32
	var finished atomic.Bool
	s.every(10*time.Millisecond, "count", func(ctx context.Context) error {
		switch runs.Add(1) {
		case 2:
			return errors.New("the second round fails")
		case 4: // under way when the system stops, and slow to give up
			<-ctx.Done()
			time.Sleep(20 * time.Millisecond)
			finished.Store(true)
		}
		return nil
	})
	for deadline := time.Now().Add(5 * time.Second); runs.Load() < 4; time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d runs in 5 s, want 4 or more", runs.Load())
		}
	}
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}
	if !finished.Load() {
		t.Error("Stop returned while a round was under way")
	}
	stopped := runs.Load()
	time.Sleep(50 * time.Millisecond)
	if got := runs.Load(); got != stopped {
		t.Errorf("%d runs after the system stopped", got-stopped)
	}
	mu.Lock()
	defer mu.Unlock()
	if out := logged.String(); strings.Count(out, "the second round fails") != 1 || !strings.Contains(out, "level=WARN msg=count") {
		t.Errorf("the failed round's log: %q", out)
	}
}

// lockedWriter lets the job's goroutine and the test share the log's buffer.
type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
