// Counts the spans in an OTLP ExportTraceServiceRequest without decoding them: a walk over
// protobuf field headers only. Shared by receiver-cli.mjs --count-only and the bench's
// grpc-js counting receiver, so neither pays ~10 µs per span of full decoding.

function readVarint(buf, pos) {
  let value = 0;
  let shift = 0;
  for (;;) {
    // A truncated body (a sender killed mid-export) must not loop past the end.
    if (pos >= buf.length) throw new RangeError('truncated varint');
    const b = buf[pos++];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return [value, pos];
    shift += 7;
  }
}

/** Calls onField(fieldNumber, start, end) for each length-delimited field in [start, end). */
function eachLengthField(buf, start, end, onField) {
  let pos = start;
  while (pos < end) {
    let key;
    [key, pos] = readVarint(buf, pos);
    const wire = key & 7;
    if (wire === 2) {
      let len;
      [len, pos] = readVarint(buf, pos);
      onField(key >>> 3, pos, pos + len);
      pos += len;
    } else if (wire === 0) [, pos] = readVarint(buf, pos);
    else if (wire === 1) pos += 8;
    else if (wire === 5) pos += 4;
    else return; // groups are not used by OTLP
  }
}

// ExportTraceServiceRequest.resource_spans(1) -> ResourceSpans.scope_spans(2) -> ScopeSpans.spans(2)
export function countSpans(buf) {
  let n = 0;
  eachLengthField(buf, 0, buf.length, (f1, s1, e1) => {
    if (f1 !== 1) return;
    eachLengthField(buf, s1, e1, (f2, s2, e2) => {
      if (f2 !== 2) return;
      eachLengthField(buf, s2, e2, (f3) => {
        if (f3 === 2) n++;
      });
    });
  });
  return n;
}
