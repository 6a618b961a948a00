// Package mailer sends the outbox by SMTP: reminders and escalations, and each OPD's copy of the
// signed SK with its participants. Failures are retried with backoff; every message's status
// stays in the outbox for people to see.
package mailer

import (
	"context"
	"crypto/tls"
	"fmt"
	"log/slog"
	"mime"
	"net"
	"net/smtp"
	"strings"
	"time"

	"github.com/skflow/skflow/config"
	"github.com/skflow/skflow/store"
)

// Mailer sends due outbox messages.
type Mailer struct {
	st   *store.Store
	smtp config.SMTP
	opds map[string]string // lower-case OPD name to address
	fall string
	log  *slog.Logger
	// timeout bounds one message's whole SMTP conversation, from dialling to QUIT: a stalled
	// mail server costs one message this long, never a held lock or a stuck sender.
	timeout time.Duration
}

// New makes a mailer; OPD names are matched without regard to case.
func New(st *store.Store, s config.SMTP, d config.Delivery, log *slog.Logger) *Mailer {
	opds := map[string]string{}
	for k, v := range d.OPDEmails {
		opds[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return &Mailer{st: st, smtp: s, opds: opds, fall: d.FallbackEmail, log: log, timeout: 30 * time.Second}
}

// Run sends due messages every interval until ctx ends.
func (m *Mailer) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, _, err := m.Flush(ctx); err != nil && ctx.Err() == nil {
			m.log.Warn("send outbox", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Flush sends what is due now, in batches, and says how many went and how many failed.
func (m *Mailer) Flush(ctx context.Context) (sent, failed int, err error) {
	for {
		s, f, err := m.st.SendDue(ctx, 20, m.send)
		sent, failed = sent+s, failed+f
		if err != nil || s+f < 20 {
			return sent, failed, err
		}
	}
}

func (m *Mailer) address(msg store.Message) (string, error) {
	switch {
	case msg.ToEmail != nil && *msg.ToEmail != "":
		return *msg.ToEmail, nil
	case msg.OPD != nil:
		if a, ok := m.opds[strings.ToLower(*msg.OPD)]; ok {
			return a, nil
		}
		if m.fall != "" {
			return m.fall, nil
		}
		return "", &store.Undeliverable{Reason: "tidak ada alamat e-mail untuk OPD " + *msg.OPD + " (delivery.opd_emails)"}
	}
	return "", &store.Undeliverable{Reason: "penerima belum memiliki alamat e-mail"}
}

func (m *Mailer) send(msg store.Message) error {
	to, err := m.address(msg)
	if err != nil {
		return err
	}
	if m.smtp.Address == "" {
		return &store.Undeliverable{Reason: "pengiriman e-mail belum diatur (smtp.address)"}
	}
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nDate: %s\r\nMessage-ID: <%d.%s@skflow>\r\n",
		m.smtp.From, to, mime.QEncoding.Encode("utf-8", msg.Subject), time.Now().Format(time.RFC1123Z), msg.ID, msg.CaseID)
	b.WriteString("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n")
	b.WriteString(strings.ReplaceAll(msg.Body, "\n", "\r\n"))
	if err := m.deliver(to, []byte(b.String())); err != nil {
		return fmt.Errorf("send to %s: %w", to, err)
	}
	return nil
}

// deliver is smtp.SendMail with a deadline on the connection, which SendMail lacks.
func (m *Mailer) deliver(to string, msg []byte) error {
	deadline := time.Now().Add(m.timeout)
	conn, err := (&net.Dialer{Deadline: deadline}).Dial("tcp", m.smtp.Address)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := conn.SetDeadline(deadline); err != nil {
		return err
	}
	host, _, _ := net.SplitHostPort(m.smtp.Address)
	c, err := smtp.NewClient(conn, host)
	if err != nil {
		return err
	}
	defer c.Close()
	if ok, _ := c.Extension("STARTTLS"); ok {
		if err := c.StartTLS(&tls.Config{ServerName: host, MinVersion: tls.VersionTLS12}); err != nil {
			return err
		}
	}
	if m.smtp.Username != "" {
		if err := c.Auth(smtp.PlainAuth("", m.smtp.Username, m.smtp.Password, host)); err != nil {
			return err
		}
	}
	if err := c.Mail(m.smtp.From); err != nil {
		return err
	}
	if err := c.Rcpt(to); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write(msg); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}
