"""Training pages: `mine` (a volunteer's qualifications) and `console` (courses, qualification types,
qualifications, the training policy, the .xlsx of training records). The course catalogue and a
course's sessions are activities' pages (activities/views/training.py): sessions are activities."""
