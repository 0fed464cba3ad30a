"""Write the two small encrypted PDFs that tests/sources/test_pdf.py reads.

pypdfium2 cannot write encryption and qpdf/pikepdf are not dependencies, so this script applies
the PDF Standard Security Handler (revision 2: 40-bit RC4, ISO 32000-1 section 7.6.3, algorithms
2, 3 and 4) by hand, with nothing but the standard library. Run it from the repository root:

    .venv/bin/python tests/sources/data/make_encrypted_pdfs.py

- ``encrypted-needs-password.pdf``: user password "secret"; cannot be opened without it.
- ``encrypted-empty-user-password.pdf``: empty user password, owner password "owner"; readers
  open it without asking (the common "protected" PDF that only forbids printing or copying).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
PADDING = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")
PERMISSIONS = -3904  # printing and copying not allowed; the reader must still open the file
FILE_ID = bytes.fromhex("5b1a2b3c4d5e6f708192a3b4c5d6e7f8")
TEXT_LINES = (
    "Encrypted test paper",
    "We generated synthetic patient records with Synthea and trained a classifier on them.",
    "The records were checked against real hospital data before any result was reported.",
    "This file exists to test that synthwatch reads PDFs protected by an owner password.",
)


def rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def pad(password: bytes) -> bytes:
    return (password + PADDING)[:32]


def security(user: bytes, owner: bytes) -> tuple[bytes, bytes, bytes]:
    """(O, U, file key) for revision 2 with a 40-bit key."""
    owner_key = hashlib.md5(pad(owner or user)).digest()[:5]
    o_value = rc4(owner_key, pad(user))
    p_bytes = (PERMISSIONS & 0xFFFFFFFF).to_bytes(4, "little")
    file_key = hashlib.md5(pad(user) + o_value + p_bytes + FILE_ID).digest()[:5]
    u_value = rc4(file_key, PADDING)
    return o_value, u_value, file_key


def object_key(file_key: bytes, number: int) -> bytes:
    return hashlib.md5(file_key + number.to_bytes(3, "little") + b"\x00\x00").digest()[:10]


def build(user: bytes, owner: bytes) -> bytes:
    o_value, u_value, file_key = security(user, owner)
    lines = [f"BT /F1 12 Tf 72 {700 - 18 * k} Td ({t}) Tj ET" for k, t in enumerate(TEXT_LINES)]
    content = rc4(object_key(file_key, 4), "\n".join(lines).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P %d >>"
        % (o_value.hex().encode(), u_value.hex().encode(), PERMISSIONS),
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    file_id = FILE_ID.hex().encode()
    out += b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 6 0 R /ID [<%s> <%s>] >>\n" % (
        len(objects) + 1,
        file_id,
        file_id,
    )
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


if __name__ == "__main__":
    (HERE / "encrypted-needs-password.pdf").write_bytes(build(b"secret", b"owner"))
    (HERE / "encrypted-empty-user-password.pdf").write_bytes(build(b"", b"owner"))
