// CasebookCrypto: placeholder, filled in by its issue.
