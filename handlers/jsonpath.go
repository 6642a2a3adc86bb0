package handlers

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
)

// Naming a bad value by its path in the request (procurement.budget_amount,
// checklist[2].result), never by a Go type: encoding/json's
// UnmarshalTypeError.Field joins the names of embedded structs
// ("PartsDTO.procurement.budget_amount") and drops array indices, and an
// UnmarshalJSON method's error (a time) names no field at all. So the body
// is walked again, beside the type it was decoded into.

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// badValue is what pathScanner found in a body that failed to decode.
type badValue struct {
	// atOffset is the path of the innermost value holding the offset of an
	// UnmarshalTypeError.
	atOffset string
	// unmarshaler is the path of the first value (in document order) whose
	// Go type decodes itself (time.Time, NullableTime) and refuses it; ok
	// says one was found.
	unmarshaler string
	ok          bool
}

// findBadValue walks the JSON document body (already known to be
// well-formed) as it would decode into dst's type.
func findBadValue(body []byte, dst any, offset int64) badValue {
	p := &pathScanner{b: body, off: int(offset)}
	var t reflect.Type
	if dst != nil {
		t = reflect.TypeOf(dst)
	}
	p.value("", t)
	return p.found
}

type pathScanner struct {
	b     []byte
	i     int
	off   int
	found badValue
	seen  bool // found.atOffset is set
}

func (p *pathScanner) ws() {
	for p.i < len(p.b) && strings.IndexByte(" \t\r\n", p.b[p.i]) >= 0 {
		p.i++
	}
}

// value scans one value at path, whose Go type is t (nil when unknown).
func (p *pathScanner) value(path string, t reflect.Type) {
	p.ws()
	if p.i >= len(p.b) {
		return
	}
	start := p.i
	decodesItself := t != nil && reflect.PointerTo(t).Implements(unmarshalerType)
	for t != nil && !decodesItself && t.Kind() == reflect.Pointer {
		t = t.Elem()
		decodesItself = reflect.PointerTo(t).Implements(unmarshalerType)
	}
	switch p.b[p.i] {
	case '{':
		p.i++
		fields := objectFields(t)
		for {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] == '}' {
				p.i++
				break
			}
			if p.b[p.i] == ',' {
				p.i++
				continue
			}
			key := p.str()
			p.ws()
			if p.i < len(p.b) && p.b[p.i] == ':' {
				p.i++
			}
			child := key
			if path != "" {
				child = path + "." + key
			}
			p.value(child, fields(key))
		}
	case '[':
		p.i++
		var elem reflect.Type
		if t != nil && !decodesItself && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for n := 0; ; {
			p.ws()
			if p.i >= len(p.b) || p.b[p.i] == ']' {
				p.i++
				break
			}
			if p.b[p.i] == ',' {
				p.i++
				continue
			}
			p.value(fmt.Sprintf("%s[%d]", path, n), elem)
			n++
		}
	case '"':
		p.str()
	default:
		for p.i < len(p.b) && strings.IndexByte(",}] \t\r\n", p.b[p.i]) < 0 {
			p.i++
		}
	}
	end := p.i
	// Inner values end first, so the first to claim the offset is the
	// innermost. encoding/json reports a literal at its end and an object
	// or array just after its opening bracket.
	if !p.seen && start < p.off && p.off <= end {
		p.found.atOffset, p.seen = path, true
	}
	if decodesItself && !p.found.ok {
		v := reflect.New(t).Interface().(json.Unmarshaler)
		if v.UnmarshalJSON(p.b[start:end]) != nil {
			p.found.unmarshaler, p.found.ok = path, true
		}
	}
}

// str scans a string and returns its value.
func (p *pathScanner) str() string {
	start := p.i
	if p.i >= len(p.b) || p.b[p.i] != '"' {
		return ""
	}
	for p.i++; p.i < len(p.b); p.i++ {
		switch p.b[p.i] {
		case '\\':
			p.i++
		case '"':
			p.i++
			var s string
			_ = json.Unmarshal(p.b[start:p.i], &s)
			return s
		}
	}
	return ""
}

// objectFields returns the Go type of each member of an object decoded
// into t (a struct, with its embedded structs' fields promoted, or a map);
// nil for a member it does not know.
func objectFields(t reflect.Type) func(string) reflect.Type {
	none := func(string) reflect.Type { return nil }
	switch {
	case t == nil:
		return none
	case t.Kind() == reflect.Map:
		return func(string) reflect.Type { return t.Elem() }
	case t.Kind() != reflect.Struct:
		return none
	}
	byName := map[string]reflect.Type{}
	collectFields(t, byName)
	return func(key string) reflect.Type {
		if ft, ok := byName[key]; ok {
			return ft
		}
		// encoding/json also matches a member whose name differs in case.
		for name, ft := range byName {
			if strings.EqualFold(name, key) {
				return ft
			}
		}
		return nil
	}
}

// collectFields adds the JSON names of t's fields; a struct's own fields
// win over those promoted from the structs it embeds, as in encoding/json.
func collectFields(t reflect.Type, out map[string]reflect.Type) {
	var embedded []reflect.Type
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		tag := sf.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if sf.Anonymous && name == "" {
			ft := sf.Type
			if ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				embedded = append(embedded, ft)
				continue
			}
		}
		if !sf.IsExported() {
			continue
		}
		if name == "" {
			name = sf.Name
		}
		out[name] = sf.Type
	}
	for _, et := range embedded {
		inner := map[string]reflect.Type{}
		collectFields(et, inner)
		for name, ft := range inner {
			if _, ok := out[name]; !ok {
				out[name] = ft
			}
		}
	}
}
