// Package smtpsink is an SMTP server on loopback for tests: it keeps every message it is
// given, and can refuse them. Tests only.
package smtpsink

import (
	"net"
	"net/textproto"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// Mail is one message as the sink received it.
type Mail struct {
	To, Body string
}

// Sink is a running server.
type Sink struct {
	Addr string // host:port to send to

	mu       sync.Mutex
	received []Mail
	refuse   bool
}

// New starts a sink that stops when the test ends.
func New(t testing.TB) *Sink {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	s := &Sink{Addr: l.Addr().String()}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

// Refuse makes the sink answer every message with a temporary failure, or accept them again.
func (s *Sink) Refuse(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refuse
}

// Received is every message kept, in the order it came.
func (s *Sink) Received() []Mail {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Mail(nil), s.received...)
}

// Last is the last message kept for each recipient.
func (s *Sink) Last() map[string]string {
	out := map[string]string{}
	for _, m := range s.Received() {
		out[m.To] = m.Body
	}
	return out
}

var messageID = regexp.MustCompile(`(?m)^Message-ID: (\S+)\r?$`)

// MessageID is a message's Message-ID header, or "".
func (m Mail) MessageID() string {
	if id := messageID.FindStringSubmatch(m.Body); id != nil {
		return id[1]
	}
	return ""
}

func (s *Sink) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 sink")
	var rcpt string
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.SplitN(line, " ", 2)[0])
		s.mu.Lock()
		refuse := s.refuse
		s.mu.Unlock()
		switch {
		case cmd == "EHLO" || cmd == "HELO":
			_ = tp.PrintfLine("250 sink")
		case cmd == "MAIL" && refuse:
			_ = tp.PrintfLine("451 try again later")
		case cmd == "MAIL":
			_ = tp.PrintfLine("250 ok")
		case cmd == "RCPT":
			rcpt = strings.Trim(line[strings.Index(line, ":")+1:], "<> ")
			_ = tp.PrintfLine("250 ok")
		case cmd == "DATA":
			_ = tp.PrintfLine("354 go on")
			body, err := tp.ReadDotBytes()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.received = append(s.received, Mail{To: rcpt, Body: string(body)})
			s.mu.Unlock()
			_ = tp.PrintfLine("250 kept")
		case cmd == "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default:
			_ = tp.PrintfLine("250 ok")
		}
	}
}
