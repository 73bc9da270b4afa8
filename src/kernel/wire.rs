//! The Jupyter wire format (messaging protocol 5.3): a message is the
//! routing identities, the `<IDS|MSG>` delimiter, the HMAC-SHA256 signature
//! (hex) of the next four frames, then header, parent header, metadata and
//! content as JSON, then optional binary buffers.
//!
//! Nothing here panics on what a client sends: a bad frame is an `Err` with
//! a sentence for the log, and the kernel skips that message.

use bytes::Bytes;
use hmac::{KeyInit, Mac};
use serde_json::{json, Map, Value as Json};

type HmacSha256 = hmac::Hmac<sha2::Sha256>;

pub const DELIMITER: &[u8] = b"<IDS|MSG>";
pub const PROTOCOL_VERSION: &str = "5.3";

/// The connection file's signing key (`key`, with `signature_scheme`
/// `hmac-sha256`); an empty key means messages are not signed.
#[derive(Clone)]
pub struct Key(Option<HmacSha256>);

impl Key {
    pub fn new(key: &[u8]) -> Key {
        if key.is_empty() {
            return Key(None);
        }
        // HMAC takes keys of any length; the error case cannot happen.
        Key(HmacSha256::new_from_slice(key).ok())
    }

    fn mac(&self, parts: &[&[u8]]) -> Option<HmacSha256> {
        let mut m = self.0.clone()?;
        for p in parts {
            m.update(p);
        }
        Some(m)
    }

    /// The hex signature of the four JSON frames ("" when unsigned).
    pub fn sign(&self, parts: &[&[u8]]) -> String {
        match self.mac(parts) {
            Some(m) => hex(&m.finalize().into_bytes()),
            None => String::new(),
        }
    }

    /// Does `sig` (hex) sign `parts`? Compared in constant time.
    pub fn verify(&self, sig: &[u8], parts: &[&[u8]]) -> bool {
        match self.mac(parts) {
            None => true,
            Some(m) => match unhex(sig) {
                Some(raw) => m.verify_slice(&raw).is_ok(),
                None => false,
            },
        }
    }
}

fn hex(b: &[u8]) -> String {
    const D: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(b.len() * 2);
    for x in b {
        s.push(D[(x >> 4) as usize] as char);
        s.push(D[(x & 15) as usize] as char);
    }
    s
}

fn unhex(s: &[u8]) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 {
        return None;
    }
    let d = |c: u8| (c as char).to_digit(16).map(|v| v as u8);
    s.chunks(2)
        .map(|p| Some(d(p[0])? << 4 | d(p[1])?))
        .collect()
}

/// One message, decoded.
#[derive(Clone, Debug)]
pub struct Message {
    /// Routing identities (what comes before the delimiter), echoed back.
    pub ids: Vec<Bytes>,
    pub header: Json,
    pub parent: Json,
    pub metadata: Json,
    pub content: Json,
    pub buffers: Vec<Bytes>,
}

impl Message {
    pub fn msg_type(&self) -> &str {
        self.header
            .get("msg_type")
            .and_then(|t| t.as_str())
            .unwrap_or("")
    }
}

/// Decode the frames of one message and check its signature.
pub fn decode(frames: Vec<Bytes>, key: &Key) -> Result<Message, String> {
    let Some(d) = frames.iter().position(|f| f.as_ref() == DELIMITER) else {
        return Err(format!(
            "no <IDS|MSG> delimiter in {} frame(s)",
            frames.len()
        ));
    };
    if frames.len() < d + 6 {
        return Err(format!(
            "{} frame(s) after the delimiter, need a signature and 4 JSON frames",
            frames.len() - d - 1
        ));
    }
    let sig = &frames[d + 1];
    let parts: Vec<&[u8]> = frames[d + 2..d + 6].iter().map(|f| f.as_ref()).collect();
    if !key.verify(sig, &parts) {
        return Err("bad HMAC signature".into());
    }
    let json = |i: usize, what: &str| -> Result<Json, String> {
        let v: Json = serde_json::from_slice(parts[i])
            .map_err(|e| format!("the {what} frame is not JSON: {e}"))?;
        if v.is_object() {
            Ok(v)
        } else {
            Err(format!("the {what} frame is not a JSON object"))
        }
    };
    let header = json(0, "header")?;
    if !header.get("msg_type").is_some_and(|t| t.is_string()) {
        return Err("the header has no msg_type".into());
    }
    Ok(Message {
        ids: frames[..d].to_vec(),
        header,
        parent: json(1, "parent header")?,
        metadata: json(2, "metadata")?,
        content: json(3, "content")?,
        buffers: frames[d + 6..].to_vec(),
    })
}

/// Who the kernel is, for the headers it writes.
pub struct Session {
    pub key: Key,
    pub id: String,
}

impl Session {
    pub fn new(key: Key) -> Session {
        Session {
            key,
            id: uuid::Uuid::new_v4().to_string(),
        }
    }

    pub fn header(&self, msg_type: &str) -> Json {
        json!({
            "msg_id": uuid::Uuid::new_v4().to_string(),
            "session": self.id,
            "username": "arr",
            "date": now_iso8601(),
            "msg_type": msg_type,
            "version": PROTOCOL_VERSION,
        })
    }

    /// The frames of a new message of type `msg_type` answering (or caused
    /// by) `parent`, to the routing identities `ids`.
    pub fn encode(
        &self,
        ids: Vec<Bytes>,
        msg_type: &str,
        parent: &Json,
        content: Json,
    ) -> Vec<Bytes> {
        let header = serde_json::to_vec(&self.header(msg_type)).unwrap_or_default();
        let parent = serde_json::to_vec(parent).unwrap_or_else(|_| b"{}".to_vec());
        let metadata = b"{}".to_vec();
        let content = serde_json::to_vec(&content).unwrap_or_else(|_| b"{}".to_vec());
        let sig = self.key.sign(&[&header, &parent, &metadata, &content]);
        let mut frames = ids;
        frames.push(Bytes::from_static(DELIMITER));
        frames.push(Bytes::from(sig));
        frames.push(Bytes::from(header));
        frames.push(Bytes::from(parent));
        frames.push(Bytes::from(metadata));
        frames.push(Bytes::from(content));
        frames
    }
}

/// An empty JSON object.
pub fn empty() -> Json {
    Json::Object(Map::new())
}

/// UTC now as ISO 8601 with microseconds, e.g. `2026-12-07T13:05:00.123456Z`.
pub fn now_iso8601() -> String {
    let d = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs() as i64;
    let (days, rem) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    // Howard Hinnant's civil_from_days.
    let z = days + 719468;
    let era = z.div_euclid(146097);
    let doe = z.rem_euclid(146097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{:06}Z",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(key: &Key, header: &str, content: &str) -> Vec<Bytes> {
        let parts: [&[u8]; 4] = [header.as_bytes(), b"{}", b"{}", content.as_bytes()];
        let sig = key.sign(&parts);
        let mut f = vec![Bytes::from_static(b"peer"), Bytes::from_static(DELIMITER)];
        f.push(Bytes::from(sig));
        for p in parts {
            f.push(Bytes::copy_from_slice(p));
        }
        f
    }

    #[test]
    fn signs_like_jupyter() {
        // hmac.new(b"key", b"abcd", hashlib.sha256).hexdigest() in Python.
        let k = Key::new(b"key");
        assert_eq!(
            k.sign(&[b"a", b"b", b"c", b"d"]),
            "2a31ec0ee8d878c9eece9fb0df79b3b90b2256240163aa5ee50d176d3d1121f8"
        );
        assert!(k.verify(k.sign(&[b"x"]).as_bytes(), &[b"x"]));
        assert!(!k.verify(b"00", &[b"x"]));
        assert!(!k.verify(b"zz", &[b"x"]));
        // No key: no signature, everything verifies.
        assert_eq!(Key::new(b"").sign(&[b"x"]), "");
    }

    #[test]
    fn decodes_and_rejects() {
        let k = Key::new(b"secret");
        let m = decode(
            frames(&k, r#"{"msg_type":"kernel_info_request"}"#, r#"{"a":1}"#),
            &k,
        )
        .expect("a good message decodes");
        assert_eq!(m.msg_type(), "kernel_info_request");
        assert_eq!(m.ids, vec![Bytes::from_static(b"peer")]);
        assert_eq!(m.content["a"], 1);
        // Wrong key, missing delimiter, too few frames, bad JSON, no msg_type.
        let other = Key::new(b"other");
        assert!(decode(frames(&other, r#"{"msg_type":"x"}"#, "{}"), &k).is_err());
        assert!(decode(vec![Bytes::from_static(b"junk")], &k).is_err());
        let mut short = frames(&k, r#"{"msg_type":"x"}"#, "{}");
        short.truncate(4);
        assert!(decode(short, &k).is_err());
        assert!(decode(frames(&k, r#"{"msg_type":"x"}"#, "not json"), &k).is_err());
        assert!(decode(frames(&k, r#"{"msg":"x"}"#, "{}"), &k).is_err());
        assert!(decode(frames(&k, "[1]", "{}"), &k).is_err());
    }

    #[test]
    fn encoded_messages_decode() {
        let s = Session::new(Key::new(b"k"));
        let parent = json!({"msg_id": "p1", "msg_type": "execute_request"});
        let f = s.encode(
            vec![Bytes::from_static(b"id")],
            "execute_reply",
            &parent,
            json!({"status": "ok"}),
        );
        let m = decode(f, &s.key).expect("our own message decodes");
        assert_eq!(m.msg_type(), "execute_reply");
        assert_eq!(m.parent["msg_id"], "p1");
        assert_eq!(m.header["version"], PROTOCOL_VERSION);
        assert_eq!(m.content["status"], "ok");
    }

    #[test]
    fn dates_are_iso8601() {
        let d = now_iso8601();
        assert_eq!(d.len(), 27, "{d}");
        assert!(
            d.starts_with("20") && d.ends_with('Z') && &d[10..11] == "T",
            "{d}"
        );
    }
}
