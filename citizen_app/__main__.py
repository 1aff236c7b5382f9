from citizen_app.cli import main

raise SystemExit(main())
