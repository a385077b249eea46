//! The guest's sound through spice-client-glib's GStreamer back-end: made for a session whose
//! server offers a playback channel, it opens the playback and record channels (sound is
//! played as the guest sends it; the host's microphone is read only while the guest records).
//! Muting closes the playback channel (spice-client-glib keeps no local volume), unmuting
//! opens it again; the guest is not told. The record channel stays open only while the
//! microphone is shared (off by default): the back-end opens it, and it is closed again at
//! once, before the guest can start recording.

use gtk::prelude::*;
use gtk::subclass::prelude::*;
use spice_client_glib::prelude::*;
use spice_client_glib::{Audio, Channel, ChannelEvent, PlaybackChannel, RecordChannel};

use super::imp;
use super::session::on_current;

impl imp::SpiceDisplay {
    /// A playback or record channel was offered: the session's audio back-end opens them.
    pub(super) fn on_audio_channel(&self, id: u64, channel: &Channel) {
        if let Some(playback) = channel.downcast_ref::<PlaybackChannel>() {
            let weak = self.obj().downgrade();
            playback.connect_channel_event(move |c, event| {
                on_current(&weak, id, |imp| imp.on_playback_event(c, event));
            });
            if let Some(live) = self.live.borrow_mut().as_mut() {
                live.playback = Some(playback.clone());
            }
            self.set_has_audio(true);
        }
        if let Some(record) = channel.downcast_ref::<RecordChannel>() {
            let weak = self.obj().downgrade();
            record.connect_channel_event(move |c, event| {
                on_current(&weak, id, |imp| imp.on_record_event(c, event));
            });
            if let Some(live) = self.live.borrow_mut().as_mut() {
                live.record = Some(record.clone());
            }
        }
        let session = match self.live.borrow().as_ref() {
            Some(live) if live.audio.is_none() => live.session.clone(),
            _ => return,
        };
        // One back-end per session; it opens the channels there are and those to come (an
        // fd session's channels ask for their sockets at once, so nothing may be borrowed).
        let audio = Audio::get(&session, None);
        if audio.is_none() {
            tracing::info!("no SPICE audio back-end: the guest's sound is not played");
        }
        if let Some(live) = self.live.borrow_mut().as_mut() {
            live.audio = audio;
        }
    }

    fn on_playback_event(&self, channel: &PlaybackChannel, event: ChannelEvent) {
        let open = event == ChannelEvent::Opened;
        if open && self.muted.get() {
            // Opened by the back-end while muted.
            ChannelExt::disconnect(channel, ChannelEvent::None);
            self.set_plays_audio(false);
            return;
        }
        self.set_plays_audio(open);
    }

    fn on_record_event(&self, channel: &RecordChannel, event: ChannelEvent) {
        let open = event == ChannelEvent::Opened;
        if open && !self.share_microphone.get() {
            // Opened by the back-end while the microphone is not shared.
            ChannelExt::disconnect(channel, ChannelEvent::None);
            self.set_record_open(false);
            return;
        }
        self.set_record_open(open);
    }

    pub(super) fn set_share_microphone_mode(&self, on: bool) {
        if self.share_microphone.replace(on) == on {
            return;
        }
        let record = self.live.borrow().as_ref().and_then(|l| l.record.clone());
        let Some(r) = record else { return };
        if on {
            ChannelExt::connect(&r);
        } else {
            ChannelExt::disconnect(&r, ChannelEvent::None);
            self.set_record_open(false);
        }
    }

    fn set_record_open(&self, on: bool) {
        if self.record_open.replace(on) != on {
            self.obj().notify_record_open();
        }
    }

    pub(super) fn set_muted_mode(&self, muted: bool) {
        if self.muted.replace(muted) == muted {
            return;
        }
        let playback = self.live.borrow().as_ref().and_then(|l| l.playback.clone());
        let Some(p) = playback else { return };
        if muted {
            ChannelExt::disconnect(&p, ChannelEvent::None);
            self.set_plays_audio(false);
        } else {
            ChannelExt::connect(&p);
        }
    }

    fn set_plays_audio(&self, on: bool) {
        if self.plays_audio.replace(on) != on {
            self.obj().notify_plays_audio();
        }
    }

    fn set_has_audio(&self, on: bool) {
        if self.has_audio.replace(on) != on {
            self.obj().notify_has_audio();
        }
    }

    /// The session ended: no sound plays.
    pub(super) fn audio_ended(&self) {
        self.set_plays_audio(false);
        self.set_record_open(false);
        self.set_has_audio(false);
    }
}
