"""Moving a city in (issue 15): its organizations, memberships, activities and service records,
read from the files its old platform exports (docs/history-import.md).

- `columns`: the template's columns per kind of file and the variants of their Chinese names;
- `files`: which kind a file is, and its rows streamed one at a time (.csv, .xlsx);
- `plan`: every row checked against the database before anything is written (the dry-run);
- `apply`: the writes, all or nothing per import, in batches of volunteers that extend their
  hash chains, the rollups and the seals in bulk; resumable without doubling;
- `export`: the demo city (or any city) written back in the template format, and the templates.
"""
