from arena_tui.cli import main

raise SystemExit(main())
