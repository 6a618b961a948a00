// Package pdftool runs the independent PDF checkers the tests judge generated decrees with:
// qpdf, poppler's pdftotext, pdftoppm and pdfsig, zbar's zbarimg for QR codes, and NSS's
// certutil for a trust store. .ci/run installs them (Debian qpdf, poppler-utils, zbar-tools,
// libnss3-tools).
package pdftool

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// Run runs one of the programs on args and returns what it printed. Without the program the
// test says what to install and skips, as the browser test does; a failing run fails the test.
func Run(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, err := exec.Command(path(t, name), args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
	return string(out)
}

// Output runs a program whose exit status is part of its answer (pdfsig exits non-zero for a
// signature it finds invalid, zbarimg when it finds no code) and returns its standard output
// either way; the caller judges it.
func Output(t testing.TB, name string, args ...string) string {
	t.Helper()
	out, _ := exec.Command(path(t, name), args...).Output()
	return string(out)
}

// File writes b to a file in the test's temporary directory, for the programs to read.
func File(t testing.TB, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

func path(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		t.Skipf("%s is not installed (apt-get install poppler-utils qpdf zbar-tools libnss3-tools; .ci/run installs them)", name)
	}
	return p
}
