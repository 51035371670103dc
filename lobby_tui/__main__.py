from lobby_tui.cli import main

raise SystemExit(main())
