//! Sans-I/O wire format of libvirt's remote protocol: XDR, packets, messages.
