package main

// --province: the pages officials, operators and auditors open, over a province's records.

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/skflow/skflow/allinone"
	"github.com/skflow/skflow/store/storetest"
)

// province seeds the embedded system with a province's records (70,000 cases, 1,000,000 step
// rows, 10,000 open) and times requests of the pages over them, each page requests times,
// through the running web app as its users sign in to it.
func province(ctx context.Context, sys *allinone.System, requests int) error {
	fmt.Println("seeding a province: 70,000 cases, 1,000,000 step rows (10,000 open)...")
	t0 := time.Now()
	if err := storetest.SeedProvince(ctx, sys.Store); err != nil {
		return err
	}
	seeded := time.Since(t0)
	// What the system's minutely fold would do soon after; timed on its own.
	t0 = time.Now()
	if _, err := sys.Store.FoldDecided(ctx, sys.Zone); err != nil {
		return err
	}
	fmt.Printf("seeded in %s, the report's counts folded in %s\n\n  %-40s %-9s %-9s size\n", seeded.Round(time.Second), time.Since(t0).Round(time.Millisecond), "page", "p50", "p99")
	stopProfile, err := profile()
	if err != nil {
		return err
	}
	defer stopProfile()
	// The pages are read as the demo officials, who an external database (--database-url)
	// does not have yet.
	if _, err := allinone.SeedDemoOfficials(ctx, sys.Store); err != nil {
		return fmt.Errorf("the demo officials: %w", err)
	}
	nips := allinone.DemoNIPs()
	for _, p := range []struct{ role, path string }{
		{"kabid", "/inbox"}, {"kabid", "/inbox?urut=batas&hal=50"}, {"operator", "/board"}, {"operator", "/board?q=latsar+6999"}, {"operator", "/board?role=kabid&late=1&hal=40"},
		{"auditor", "/report"}, {"auditor", "/report?from=2025-01-01&to=2025-06-30"}, {"auditor", "/report?from=2025-01-03&to=2025-06-20"},
		// The most ragged days a period has: nine at either end.
		{"auditor", "/report?from=2025-01-02&to=2025-06-09"},
	} {
		c, err := signIn(sys.WebURL, nips[p.role])
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", p.role, err)
		}
		took := make([]time.Duration, requests)
		size := 0
		for i := range took {
			t := time.Now()
			n, err := get(c, sys.WebURL+p.path)
			if err != nil {
				return fmt.Errorf("%s as %s: %w", p.path, p.role, err)
			}
			took[i], size = time.Since(t), n
		}
		slices.Sort(took)
		fmt.Printf("  %-40s %-9s %-9s %d KB\n", p.path, took[len(took)/2].Round(100*time.Microsecond),
			took[len(took)*99/100].Round(100*time.Microsecond), size/1024)
	}
	return nil
}

// signIn is a client with a session of the official nip, as the sign-in form gives it.
func signIn(base, nip string) (*http.Client, error) {
	jar, err := cookiejar.New(nil)
	if err != nil {
		return nil, err
	}
	c := &http.Client{Jar: jar, Timeout: time.Minute,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.PostForm(base+"/login", url.Values{"nip": {nip}, "password": {allinone.DemoPassword}})
	if err != nil {
		return nil, err
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		return nil, fmt.Errorf("sign-in answered %s", resp.Status)
	}
	return c, nil
}

// get reads a page whole and returns its size; anything but 200 is an error.
func get(c *http.Client, u string) (int, error) {
	resp, err := c.Get(u)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("%s: %s", resp.Status, strings.TrimSpace(string(b[:min(len(b), 200)])))
	}
	return len(b), nil
}
