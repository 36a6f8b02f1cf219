"""``python -m course_utils.data prepare [--offline]``: see :func:`course_utils.data.main`."""
import sys

from course_utils.data import main

sys.exit(main())
