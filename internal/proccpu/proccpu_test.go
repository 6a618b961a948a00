package proccpu

import (
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"
)

// What a process spins shows in its CPU time, and a child's in its parent's with its children.
func TestCPUTimeOfAProcessAndItsChildren(t *testing.T) {
	self := strconv.Itoa(os.Getpid())
	before, err := Process(self)
	if err != nil {
		t.Fatalf("/proc is not readable here: %v", err)
	}
	for start := time.Now(); time.Since(start) < 300*time.Millisecond; {
	}
	after, err := Process("self")
	if err != nil || after-before < 150*time.Millisecond {
		t.Fatalf("300 ms of spinning used %s of CPU (%v)", after-before, err)
	}
	child := exec.Command(os.Args[0], "-test.run", "^TestSpinAsAChild$")
	child.Env = append(os.Environ(), "PROCCPU_SPIN=1")
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() {
		child.Process.Kill()
		child.Wait()
	}()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		parent, err := Parent(strconv.Itoa(child.Process.Pid))
		if err != nil || parent != self {
			t.Fatalf("the child's parent is %q, want %s (%v)", parent, self, err)
		}
		mine, err := Process(self)
		if err != nil {
			t.Fatal(err)
		}
		all, err := WithChildren(self)
		if err != nil {
			t.Fatal(err)
		}
		if all-mine >= 100*time.Millisecond {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("a spinning child's CPU never showed: %s with it, %s without", all, mine)
		}
	}
}

// TestSpinAsAChild is the spinning child above (for up to 3 s); alone it does nothing.
func TestSpinAsAChild(t *testing.T) {
	if os.Getenv("PROCCPU_SPIN") == "" {
		return
	}
	for start := time.Now(); time.Since(start) < 3*time.Second; {
	}
}
