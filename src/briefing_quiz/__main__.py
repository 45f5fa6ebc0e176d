from briefing_quiz.cli import main

raise SystemExit(main())
