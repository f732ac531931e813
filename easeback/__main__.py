from easeback.cli import main

raise SystemExit(main())
