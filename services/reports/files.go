package reports

import (
	"bufio"
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	"gorm.io/gorm"

	"ethicsops/models"
	"ethicsops/services"
)

// Sealed evidence files. A file can be 15 MiB and a phone's upload must
// not sit whole in the server's memory, so it is sealed as a stream (the
// STREAM construction of Hoang, Reyhanitabar, Rogaway and Vizár, as in
// age): a random data key per file, wrapped by the Sealer (so that a key
// rotation rewrites only the header), and the file cut into chunks of 64
// KiB, each sealed with AES-256-GCM under the nonce
//
//	prefix (7 random bytes) ‖ chunk counter (4 bytes, big-endian) ‖ last (1 byte: 1 on the last chunk)
//
// and the aad of the file id. Chunks cannot be reordered (counter), dropped
// at the end (the last one says so; an object ending without it is
// refused) or moved to another file (aad and key).
//
// Object layout under "reports/<file id>": "EORF" ‖ version 1 ‖ length of
// the wrapped key (2 bytes) ‖ wrapped key ‖ prefix ‖ chunks.
const (
	// MaxFileSize is the largest evidence file (as for attachments).
	MaxFileSize = services.MaxAttachmentSize
	// MaxReporterFiles is how many files a reporter may send with a report
	// and its follow-up, in all.
	MaxReporterFiles = 5

	fileChunk   = 64 << 10
	fileMagic   = "EORF"
	fileVersion = 1
	prefixLen   = 7
)

// errCorrupt is what reading a sealed file gives when it was truncated or
// altered, or is not one.
var errCorrupt = fmt.Errorf("%w: the sealed file is truncated or altered", ErrUnsealable)

// fileObjectKey is where a report file's sealed bytes are stored.
func fileObjectKey(fileID string) string { return "reports/" + fileID }

// putFile seals the file r (its name as given by the reporter or handler)
// into the store for report reportID and returns its row, not yet saved:
// the caller creates it in its transaction and, when that fails, removes
// the object (dropFile). The type is sniffed from the content (JPEG, PNG,
// WebP, HEIC, PDF); the file may hold at most MaxFileSize bytes. Errors:
// validation (fields.file: empty), unsupported_media_type, payload_too_large.
func (s *Service) putFile(ctx context.Context, reportID, author, name string, r io.Reader) (models.ReportFile, error) {
	head := make([]byte, services.SniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return models.ReportFile{}, err
	}
	head = head[:n]
	if n == 0 {
		return models.ReportFile{}, services.Invalid("file", "the file is empty")
	}
	ctype := services.SniffContentType(head)
	if ctype == "" {
		return models.ReportFile{}, services.E(services.CodeUnsupportedType, "only JPEG, PNG, WebP, HEIC and PDF files are accepted")
	}
	id := uuid.NewString()
	src := &countingReader{r: io.LimitReader(io.MultiReader(bytes.NewReader(head), r), MaxFileSize+1)}
	pr, pw := io.Pipe()
	done := make(chan struct{})
	go func() {
		defer close(done)
		err := s.sealStream(pw, id, src)
		if err == nil && src.n > MaxFileSize {
			err = services.E(services.CodeTooLarge, "the file is larger than %d bytes", MaxFileSize)
		}
		pw.CloseWithError(err)
	}()
	err = s.files.Put(ctx, fileObjectKey(id), pr, -1)
	pr.CloseWithError(errors.New("reports: the store stopped reading"))
	<-done
	if err != nil {
		return models.ReportFile{}, err
	}
	clean := services.SafeFilename(name, ctype)
	return models.ReportFile{
		ID: id, ReportID: reportID, Author: author, ObjectKey: fileObjectKey(id),
		SealedName: s.sealText(id, "name", clean), Size: src.n, ContentType: ctype,
		KeyID: s.sealer.KeyID(), CreatedAt: s.now(),
	}, nil
}

// addFile is putFile and the row, created in tx (s.db when nil); the
// object is removed again when the row cannot be created.
func (s *Service) addFile(ctx context.Context, tx *gorm.DB, reportID, author, name string, r io.Reader) (models.ReportFile, error) {
	f, err := s.putFile(ctx, reportID, author, name, r)
	if err != nil {
		return f, err
	}
	if tx == nil {
		tx = s.db.WithContext(ctx)
	}
	if err := tx.Create(&f).Error; err != nil {
		s.dropFile(f)
		return models.ReportFile{}, err
	}
	return f, nil
}

// dropFile removes the sealed object of a file whose row was not (or is no
// longer) saved. It runs apart from the request's context, which may be
// what was cancelled.
func (s *Service) dropFile(f models.ReportFile) {
	_ = s.files.Delete(context.Background(), f.ObjectKey)
}

// fileName opens the name of f.
func (s *Service) fileName(f models.ReportFile) (string, error) {
	return s.openText(f.ID, "name", f.SealedName)
}

// openFile opens f's sealed bytes as a stream of the plain file. Reading
// fails (ErrUnsealable) as soon as a chunk was altered, and at the end if
// the object was cut short or runs on, or holds another size than f.Size.
func (s *Service) openFile(ctx context.Context, f models.ReportFile) (io.ReadCloser, error) {
	rc, _, err := s.files.Open(ctx, f.ObjectKey)
	if err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(rc, fileChunk+64)
	aead, prefix, err := s.openFileHeader(br, f.ID)
	if err != nil {
		rc.Close()
		return nil, err
	}
	return &fileReader{c: rc, r: br, aead: aead, prefix: prefix, aad: aad(f.ID, "file"), want: f.Size, buf: make([]byte, fileChunk+16)}, nil
}

// sealStream writes the sealed object of file id from src to w.
func (s *Service) sealStream(w io.Writer, id string, src io.Reader) error {
	key := make([]byte, KeySize)
	prefix := make([]byte, prefixLen)
	if _, err := rand.Read(key); err != nil {
		return err
	}
	if _, err := rand.Read(prefix); err != nil {
		return err
	}
	if err := s.writeFileHeader(w, id, key, prefix); err != nil {
		return err
	}
	aead, err := newGCM(key)
	if err != nil {
		return err
	}
	ad := aad(id, "file")
	buf, next := make([]byte, fileChunk), make([]byte, fileChunk)
	out := make([]byte, 0, fileChunk+aead.Overhead())
	n, err := readChunk(src, buf)
	if err != nil {
		return err
	}
	for counter := uint32(0); ; counter++ {
		m := 0
		if n == fileChunk {
			if m, err = readChunk(src, next); err != nil {
				return err
			}
		}
		last := m == 0
		out = aead.Seal(out[:0], chunkNonce(prefix, counter, last), buf[:n], ad)
		if _, err := w.Write(out); err != nil {
			return err
		}
		if last {
			return nil
		}
		if counter == 1<<32-1 {
			return errors.New("reports: file too long to seal")
		}
		buf, next, n = next, buf, m
	}
}

// writeFileHeader writes the object header: the data key wrapped under the
// current reports key, and the nonce prefix.
func (s *Service) writeFileHeader(w io.Writer, id string, key, prefix []byte) error {
	wrapped := s.sealer.Seal(key, aad(id, "filekey"))
	h := make([]byte, 0, 7+len(wrapped)+len(prefix))
	h = append(h, fileMagic...)
	h = append(h, fileVersion)
	h = binary.BigEndian.AppendUint16(h, uint16(len(wrapped)))
	h = append(h, wrapped...)
	h = append(h, prefix...)
	_, err := w.Write(h)
	return err
}

// readFileHeader reads the header of a sealed object: the wrapped key and
// the prefix, without opening the key.
func readFileHeader(r io.Reader) (wrapped, prefix []byte, err error) {
	h := make([]byte, 7)
	if _, err := io.ReadFull(r, h); err != nil || string(h[:4]) != fileMagic || h[4] != fileVersion {
		return nil, nil, errCorrupt
	}
	wrapped = make([]byte, binary.BigEndian.Uint16(h[5:7]))
	prefix = make([]byte, prefixLen)
	if _, err := io.ReadFull(r, wrapped); err != nil {
		return nil, nil, errCorrupt
	}
	if _, err := io.ReadFull(r, prefix); err != nil {
		return nil, nil, errCorrupt
	}
	return wrapped, prefix, nil
}

// openFileHeader reads the header and unwraps the file's data key.
func (s *Service) openFileHeader(r io.Reader, id string) (cipher.AEAD, []byte, error) {
	wrapped, prefix, err := readFileHeader(r)
	if err != nil {
		return nil, nil, err
	}
	key, err := s.sealer.Open(wrapped, aad(id, "filekey"))
	if err != nil {
		return nil, nil, err
	}
	aead, err := newGCM(key)
	return aead, prefix, err
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// chunkNonce is the nonce of chunk counter of a file.
func chunkNonce(prefix []byte, counter uint32, last bool) []byte {
	n := make([]byte, 0, 12)
	n = append(n, prefix...)
	n = binary.BigEndian.AppendUint32(n, counter)
	if last {
		return append(n, 1)
	}
	return append(n, 0)
}

// readChunk fills buf as far as r goes; a short count means r ended.
func readChunk(r io.Reader, buf []byte) (int, error) {
	n, err := io.ReadFull(r, buf)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return n, err
}

// fileReader decrypts a sealed object chunk by chunk.
type fileReader struct {
	c       io.Closer
	r       *bufio.Reader
	aead    cipher.AEAD
	prefix  []byte
	aad     []byte
	counter uint32
	plain   []byte // the rest of the current chunk
	buf     []byte
	done    bool
	err     error
	n, want int64
}

func (f *fileReader) Read(p []byte) (int, error) {
	for len(f.plain) == 0 {
		if f.err != nil {
			return 0, f.err
		}
		if f.done {
			return 0, io.EOF
		}
		f.err = f.next()
	}
	n := copy(p, f.plain)
	f.plain = f.plain[n:]
	return n, nil
}

// next opens the next chunk.
func (f *fileReader) next() error {
	n, err := io.ReadFull(f.r, f.buf)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
	case err != nil:
		return err
	}
	if n < f.aead.Overhead() {
		return errCorrupt
	}
	last := n < len(f.buf)
	if !last {
		if _, perr := f.r.Peek(1); errors.Is(perr, io.EOF) {
			last = true
		} else if perr != nil {
			return perr
		}
	}
	plain, err := f.aead.Open(f.buf[:0], chunkNonce(f.prefix, f.counter, last), f.buf[:n], f.aad)
	if err != nil {
		return errCorrupt
	}
	f.counter++
	f.n += int64(len(plain))
	if last {
		f.done = true
		if f.n != f.want {
			return errCorrupt
		}
	}
	if f.n > f.want {
		return errCorrupt
	}
	f.plain = plain
	return nil
}

func (f *fileReader) Close() error { return f.c.Close() }

// countingReader counts what is read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
