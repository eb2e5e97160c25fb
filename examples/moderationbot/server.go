package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"time"

	"github.com/redflag-go/redflag/detect"
)

// HTTP server limits. A chat message is small; a client that sends its
// headers or body slowly, or never reads the answer, is cut off.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 15 * time.Second
	writeTimeout      = 15 * time.Second
	idleTimeout       = 60 * time.Second
	maxHeaderBytes    = 16 << 10
	shutdownTimeout   = 10 * time.Second
)

// errorBody is the JSON body of every 4xx and 5xx answer.
type errorBody struct {
	Error  string `json:"error"`
	Status int    `json:"status"`
}

// health is the body of GET /healthz.
type health struct {
	Status   string    `json:"status"`
	Rules    RulesInfo `json:"rules"`
	Count    int       `json:"rule_count"`
	Messages int64     `json:"messages"`
	Allow    int64     `json:"allow"`
	Review   int64     `json:"review"`
	Block    int64     `json:"block"`
	Authors  int       `json:"authors_remembered"`
}

// handler routes the bot's HTTP API.
func (b *bot) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/v1/score", b.handleScore)
	mux.HandleFunc("/healthz", b.handleHealth)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("no such endpoint %s: use POST /v1/score or GET /healthz", r.URL.Path))
	})
	return mux
}

// serveHTTP serves the API on ln until ctx is done, then shuts down
// gracefully: it stops accepting connections and lets the requests in
// flight finish (up to shutdownTimeout).
func (b *bot) serveHTTP(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           b.handler(),
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          b.log,
		ConnState:         b.cfg.connState,
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		return fmt.Errorf("serving HTTP: %v", err)
	case <-ctx.Done():
	}
	b.log.Printf("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %v (requests still in flight after %v were cut off)", err, shutdownTimeout)
	}
	if err := <-served; !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serving HTTP: %v", err)
	}
	return nil
}

func (b *bot) handleScore(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", http.MethodPost)
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed: POST one message as JSON to /v1/score", r.Method))
		return
	}
	// JSON only: this also turns away the form and text/plain posts a
	// browser page on another origin could send without asking.
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			writeError(w, http.StatusUnsupportedMediaType, fmt.Sprintf("Content-Type %q: send the message as application/json", ct))
			return
		}
	}
	body := http.MaxBytesReader(w, r.Body, int64(b.cfg.maxBytes))
	data, err := io.ReadAll(body)
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body is larger than %d bytes: send one message per request, or raise -max-bytes", mbe.Limit))
			return
		}
		writeError(w, http.StatusBadRequest, fmt.Sprintf("reading the request body: %v", err))
		return
	}
	m, err := decodeMessage(data)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	select {
	case b.sem <- struct{}{}:
	case <-r.Context().Done():
		writeError(w, http.StatusServiceUnavailable, "the request was cancelled while waiting for a free scorer; try again")
		return
	}
	rep := b.reports.Get().(*detect.Report)
	v := b.score(rep, &m)
	b.reports.Put(rep)
	<-b.sem
	b.escalate(&v)
	b.counts.add(&v)
	status := http.StatusOK
	if v.Error != "" {
		status = http.StatusUnprocessableEntity
	}
	writeJSON(w, status, v.wire())
}

func (b *bot) handleHealth(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		writeError(w, http.StatusMethodNotAllowed, fmt.Sprintf("method %s not allowed: GET /healthz", r.Method))
		return
	}
	rs := b.rules.current()
	h := health{
		Status: "ok", Rules: RulesInfo{Generation: rs.gen, Version: rs.version}, Count: rs.rules,
		Messages: b.counts.messages.Load(), Allow: b.counts.allow.Load(),
		Review: b.counts.review.Load(), Block: b.counts.block.Load(),
	}
	if b.offenders != nil {
		h.Authors = b.offenders.len()
	}
	writeJSON(w, http.StatusOK, &h)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		status = http.StatusInternalServerError
		buf.Reset()
		enc.Encode(errorBody{Error: "encoding the answer: " + err.Error(), Status: status})
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, errorBody{Error: msg, Status: status})
}
