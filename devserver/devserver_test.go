package devserver

import (
	"context"
	"strings"
	"testing"
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

func hello(_ workflow.Context, name string) (string, error) { return "halo " + name, nil }

func runOnce(t *testing.T, s *Server, id string) {
	t.Helper()
	c, err := client.Dial(client.Options{HostPort: s.Address})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	w := worker.New(c, "q", worker.Options{})
	w.RegisterWorkflow(hello)
	if err := w.Start(); err != nil {
		t.Fatal(err)
	}
	defer w.Stop()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	run, err := c.ExecuteWorkflow(ctx, client.StartWorkflowOptions{ID: id, TaskQueue: "q"}, hello, id)
	if err != nil {
		t.Fatal(err)
	}
	var out string
	if err := run.Get(ctx, &out); err != nil || out != "halo "+id {
		t.Fatalf("workflow %s: %q %v", id, out, err)
	}
}

// A second start on the same directory must find the first run's data and form its cluster
// again (the membership table remembers the services' ports).
func TestRestartKeepsDataAndWorks(t *testing.T) {
	dir := t.TempDir()
	o := Options{Dir: dir, Port: 7460}
	s, err := Start(o)
	if err != nil {
		t.Fatal(err)
	}
	runOnce(t, s, "first")
	if err := s.Stop(); err != nil {
		t.Fatal(err)
	}

	restarted := time.Now()
	s, err = Start(o)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	defer func() {
		// Stale membership used to stall the restarted cluster for 30 s or more.
		if took := time.Since(restarted); took > 20*time.Second {
			t.Errorf("the restarted server took %s to serve", took.Round(time.Second))
		}
	}()
	c, err := client.Dial(client.Options{HostPort: s.Address})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var out string
	if err := c.GetWorkflow(ctx, "first", "").Get(ctx, &out); err != nil || out != "halo first" {
		t.Fatalf("the first run's workflow after restart: %q %v", out, err)
	}
	runOnce(t, s, "second")
}

func TestBusyPortIsNamed(t *testing.T) {
	s, err := Start(Options{Dir: t.TempDir(), Port: 7480})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	_, err = Start(Options{Dir: t.TempDir(), Port: 7480})
	if err == nil || !strings.Contains(err.Error(), "temporal needs port 7480") {
		t.Fatalf("second server on the same port: %v", err)
	}
}
