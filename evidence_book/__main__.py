from evidence_book.build.cli import main

raise SystemExit(main())
