"""Optional camera door: camera and video frames → pose landmarks → the motion coach.

Nothing heavy is imported here; mediapipe and OpenCV load inside the functions that need them.
Frames stay in memory: they are never written to disk or sent anywhere.
"""
