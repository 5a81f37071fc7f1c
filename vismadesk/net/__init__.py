"""What both HTTP clients share: the transport, big-answer decoding, GC pauses."""
