from easeback.terminal.cli import main

raise SystemExit(main())
