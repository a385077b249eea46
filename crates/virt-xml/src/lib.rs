//! Lossless reading and editing of libvirt's XML documents.
