from ishenzhen.cli import main

raise SystemExit(main())
