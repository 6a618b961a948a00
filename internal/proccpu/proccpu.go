// Package proccpu reads the CPU time processes have used from Linux's /proc, for the benchmarks
// that say what a decision costs this process and the PostgreSQL cluster beside it.
package proccpu

import (
	"bytes"
	"os"
	"strconv"
	"strings"
	"time"
)

// stat is the fields of /proc/PID/stat after the command's name ("self": this process).
func stat(pid string) ([]string, error) {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return nil, err
	}
	return strings.Fields(string(b[bytes.LastIndexByte(b, ')')+2:])), nil
}

// used is the user and system time in a process's stat fields.
func used(f []string) (time.Duration, error) {
	ticks := 0
	for _, i := range []int{11, 12} {
		v, err := strconv.Atoi(f[i])
		if err != nil {
			return 0, err
		}
		ticks += v
	}
	return time.Duration(ticks) * time.Second / 100, nil // USER_HZ is 100 on Linux
}

// Process is the CPU time the process pid ("self": this one) has used.
func Process(pid string) (time.Duration, error) {
	f, err := stat(pid)
	if err != nil {
		return 0, err
	}
	return used(f)
}

// Parent is the process ID of pid's parent.
func Parent(pid string) (string, error) {
	f, err := stat(pid)
	if err != nil {
		return "", err
	}
	return f[1], nil
}

// WithChildren is the CPU time of the process pid and of the processes it started, as a
// PostgreSQL postmaster and its backends. A child that ends between the listing of /proc and
// the reading of its stat is left out.
func WithChildren(pid string) (time.Duration, error) {
	procs, err := os.ReadDir("/proc")
	if err != nil {
		return 0, err
	}
	var total time.Duration
	for _, p := range procs {
		if f, err := stat(p.Name()); err == nil && len(f) > 1 && (p.Name() == pid || f[1] == pid) {
			d, err := used(f)
			if err != nil {
				return total, err
			}
			total += d
		}
	}
	return total, nil
}
