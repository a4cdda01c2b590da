from evidence_book.builder.cli import main

raise SystemExit(main())
