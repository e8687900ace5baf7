/** Bytes from a serial link -> CR- or LF-terminated lines (latin1, terminators dropped, empty lines skipped). */
export class ByteLineSplitter {
  private partial = '';

  push(bytes: ArrayLike<number>): string[] {
    const lines: string[] = [];
    for (let i = 0; i < bytes.length; i++) {
      const byte = bytes[i]! & 0xff;
      if (byte === 0x0d || byte === 0x0a) {
        if (this.partial.length > 0) lines.push(this.partial);
        this.partial = '';
      } else {
        this.partial += String.fromCharCode(byte);
      }
    }
    return lines;
  }

  /** The unterminated rest, for when the link goes quiet. */
  flush(): string | undefined {
    const rest = this.partial;
    this.partial = '';
    return rest.length > 0 ? rest : undefined;
  }
}
