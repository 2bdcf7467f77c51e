"""Community: patient stories (moderated before publication, withdrawable at any time), and later peer
discussion, mentor-mentee conversations and safeguarding."""
