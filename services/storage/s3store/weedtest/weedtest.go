// Package weedtest runs a real SeaweedFS server (master, volume, filer and
// its S3 gateway in one `weed server` process) on loopback for tests of the
// S3 store. The binary is the one tools/seaweedfs.sh builds; tests find it
// through ETHICSOPS_TEST_WEED.
package weedtest

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"ethicsops/services/storage/s3store"
)

// Env is the variable naming the weed binary.
const Env = "ETHICSOPS_TEST_WEED"

// Credentials of the test gateway.
const (
	AccessKey = "ethicsops-test"
	SecretKey = "ethicsops-test-secret-0123456789"
)

// Server is one `weed server` process and its data directory; Kill and
// Start stop and start it again on the same ports and data.
type Server struct {
	t       testing.TB
	bin     string
	dir     string
	ports   [4]int // master, volume, filer, s3
	mu      sync.Mutex
	cmd     *exec.Cmd
	done    chan struct{}
	Started time.Duration // how long the last start took until the gateway stored an object
}

// Binary returns the weed binary for tests, or skips t saying why. In CI
// (CI=true) a missing binary fails instead: .ci/run builds it, so a skip
// there would hide that these tests did not run.
func Binary(t testing.TB) string {
	t.Helper()
	bin := os.Getenv(Env)
	why := ""
	if bin == "" {
		why = Env + " is not set"
	} else if st, err := os.Stat(bin); err != nil || st.IsDir() {
		why = fmt.Sprintf("%s=%s is not a file (%v)", Env, bin, err)
	}
	if why == "" {
		return bin
	}
	msg := why + ": these tests need a SeaweedFS binary; build it with tools/seaweedfs.sh and export " + Env + "=<the path it prints>"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// Start runs a fresh SeaweedFS with an S3 gateway on loopback and waits
// until it stores objects; t's cleanup stops it.
func Start(t testing.TB) *Server {
	t.Helper()
	s := &Server{t: t, bin: Binary(t), dir: t.TempDir()}
	s.ports = freePorts(t)
	cfg := fmt.Sprintf(`{"identities":[{"name":"ethicsops","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`, AccessKey, SecretKey)
	if err := os.WriteFile(filepath.Join(s.dir, "s3.json"), []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Join(s.dir, "data"), 0o750); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Kill)
	s.Restart()
	return s
}

// Endpoint is the S3 gateway's URL.
func (s *Server) Endpoint() string { return fmt.Sprintf("http://127.0.0.1:%d", s.ports[3]) }

// Config is an s3store configuration for bucket on this server.
func (s *Server) Config(bucket string) s3store.Config {
	return s3store.Config{Endpoint: s.Endpoint(), Bucket: bucket, AccessKey: AccessKey, SecretKey: SecretKey, Region: "us-east-1", PathStyle: true}
}

// Store returns a store on a new bucket of this server.
func (s *Server) Store(t testing.TB, bucket string) *s3store.Store {
	t.Helper()
	st, err := s3store.New(s.Config(bucket))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if err := st.EnsureBucket(ctx, true); err != nil {
		t.Fatal(err)
	}
	return st
}

// Restart starts the process (again, on the same ports and data) and waits
// until the gateway stores an object.
func (s *Server) Restart() {
	s.t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd != nil {
		s.t.Fatal("weedtest: Restart of a running server")
	}
	start := time.Now()
	m, v, f, s3 := s.ports[0], s.ports[1], s.ports[2], s.ports[3]
	cmd := exec.Command(s.bin, "server", "-ip=127.0.0.1", "-ip.bind=127.0.0.1", "-dir="+filepath.Join(s.dir, "data"),
		"-master.port="+strconv.Itoa(m), "-master.port.grpc="+strconv.Itoa(m+10000), "-master.volumeSizeLimitMB=64",
		"-volume.port="+strconv.Itoa(v), "-volume.port.grpc="+strconv.Itoa(v+10000), "-volume.max=0",
		"-filer.port="+strconv.Itoa(f), "-filer.port.grpc="+strconv.Itoa(f+10000),
		"-s3", "-s3.port="+strconv.Itoa(s3), "-s3.port.grpc="+strconv.Itoa(s3+10000), "-s3.config="+filepath.Join(s.dir, "s3.json"))
	logf, err := os.OpenFile(filepath.Join(s.dir, "weed.log"), os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		s.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	// Dies with the test binary, whatever becomes of the test.
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL, Setpgid: true}
	if err := cmd.Start(); err != nil {
		logf.Close()
		s.t.Fatalf("start weed: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); logf.Close(); close(done) }()
	s.cmd, s.done = cmd, done
	// Ready when an object can be written and read back: the gateway
	// answers before the volume server has registered with the master.
	st, err := s3store.New(s.Config("weedtest-ready"))
	if err != nil {
		s.t.Fatal(err)
	}
	deadline := time.Now().Add(3 * time.Minute)
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-done:
			s.t.Fatalf("weed exited while starting; its log:\n%s", s.log())
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		last = st.EnsureBucket(ctx, true)
		if last == nil {
			last = st.Put(ctx, "ready", bytes.NewReader([]byte("ok")), 2)
		}
		cancel()
		if last == nil {
			s.Started = time.Since(start)
			s.t.Logf("weed serving S3 at %s after %v", s.Endpoint(), s.Started.Round(100*time.Millisecond))
			return
		}
		time.Sleep(300 * time.Millisecond)
	}
	s.t.Fatalf("weed not serving after 3 minutes (last: %v); its log:\n%s", last, s.log())
}

// Kill stops the process at once (SIGKILL to its process group), as a
// crash or a pulled plug would; the data directory stays.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.cmd == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
	<-s.done
	s.cmd = nil
}

func (s *Server) log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "weed.log"))
	if len(b) > 8000 {
		b = b[len(b)-8000:]
	}
	return string(b)
}

// freePorts picks four ports p that are free together with p+10000 (weed's
// gRPC port convention), on loopback.
func freePorts(t testing.TB) [4]int {
	var out [4]int
	var held []net.Listener
	defer func() {
		for _, l := range held {
			l.Close()
		}
	}()
	n := 0
	for tries := 0; n < 4 && tries < 200; tries++ {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		if p+10000 > 65535 {
			l.Close()
			continue
		}
		l2, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p+10000))
		if err != nil {
			l.Close()
			continue
		}
		held = append(held, l, l2)
		out[n] = p
		n++
	}
	if n < 4 {
		t.Fatal("weedtest: no free ports")
	}
	return out
}
