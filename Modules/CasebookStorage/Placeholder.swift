// CasebookStorage: placeholder, filled in by its issue.
