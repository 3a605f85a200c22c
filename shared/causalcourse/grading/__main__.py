import sys

from causalcourse.grading.gradebook import main

sys.exit(main())
