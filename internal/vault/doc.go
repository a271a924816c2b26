// Package vault holds the service's secret keys and uses them for the two
// things the database must never be able to do on its own: read personal
// fields, and link a searched-for phone number, email address, plate, handle
// or username to a stored one.
//
// # Why
//
// Personal fields and report text are encrypted at rest with keys kept outside
// the database, so a stolen database (or backup) reveals nothing readable.
// Exact-match lookups on encrypted fields use keyed blind indexes
// (HMAC-SHA256): equal normalised inputs give equal indexes, but without the
// key an index cannot be reversed or recomputed.
//
// The blind-index keys are the most sensitive keys in the file. The values
// they protect are small spaces: UK mobile numbers span only about 30–34 bits,
// so anyone holding the phone index key and the database can try every number
// in minutes and so de-anonymise every indexed row, without needing the
// encryption key at all. That is why every kind has its own independent random
// key (not one derived from a master key): the index keys can later be moved to
// a separate file, host or HSM, and a leak of one kind does not expose the
// others.
//
// # Ciphertext format (version 1)
//
//	offset  size  content
//	0       1     format version, 0x01
//	1       4     key id (random; shown as 8 lowercase hex characters)
//	5       24    XChaCha20-Poly1305 nonce, random per Seal
//	29      n+16  sealed box: ciphertext of the n-byte plaintext, then the
//	              16-byte Poly1305 tag
//
// Overhead is 45 bytes. The associated data authenticated with every box is
//
//	version (1) | key id (4) | len(Table) (2, big-endian) | Table |
//	len(Column) (2) | Column | len(RowID) (2) | RowID
//
// The length prefixes make the encoding unambiguous, so ("ab","c") and
// ("a","bc") differ; binding the Field means a ciphertext copied to another
// row, column or table fails to open, and binding the header means the version
// and key id cannot be altered either.
//
// # Key file format (format 1)
//
// A key file is indented JSON, mode 0600, kept outside the database and apart
// from backups:
//
//	{
//	  "format": 1,
//	  "active": "3fa2c1d0",
//	  "encryption": [
//	    {"id": "3fa2c1d0", "key": "<base64, 32 bytes>", "created": "2025-01-02T03:04:05Z"}
//	  ],
//	  "index": {
//	    "email": "<base64, 32 bytes>",
//	    "handle": "<base64, 32 bytes>",
//	    "phone": "<base64, 32 bytes>",
//	    "plate": "<base64, 32 bytes>",
//	    "username": "<base64, 32 bytes>"
//	  },
//	  "vapid": "<base64url, a P-256 private key>"
//	}
//
// "format" is the file format version. "active" names the encryption key new
// ciphertexts are sealed with; older keys stay listed, oldest first, so data
// sealed before a [Vault.Rotate] still opens. "index" holds one key per [Kind]
// (standard base64 with padding). Unknown fields are rejected, so a typo is an
// error rather than a silently ignored setting. Every key in the file must be
// distinct.
//
// Nothing in this package logs, and no error message contains key material or
// plaintext. Printing a Vault shows only its active key id and key count.
package vault
