//! `multipart/form-data` request bodies, and [`FilePart`], the value of a
//! `format: binary` property in one.

use std::fmt;

use bytes::Bytes;
use serde::ser::{self, Impossible, Serialize, SerializeMap, SerializeSeq, SerializeStruct, Serializer};

use crate::error::InvalidRequest;

/// A file sent as one part of a `multipart/form-data` body: the value of a
/// `format: binary` property.
///
/// The part goes out with `filename="…"` in its `Content-Disposition` (what
/// servers look for to take a part as a file) and a `Content-Type` that is,
/// in order: [`content_type`](Self::content_type) when set, the property's
/// `encoding` in the spec when it names one media type, else
/// `application/octet-stream`.
///
/// ```
/// # use client_runtime::FilePart;
/// let photo = FilePart::new("cat.png", vec![0x89, b'P', b'N', b'G']).content_type("image/png");
/// assert_eq!((photo.filename.as_str(), photo.bytes.len()), ("cat.png", 4));
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct FilePart {
    /// The name the server sees the file under (escaped as browsers do: `"`,
    /// CR and LF become `%22`, `%0D`, `%0A`).
    pub filename: String,
    /// The file's contents, sent as they are.
    pub bytes: Bytes,
    /// The part's media type, overriding the spec's; a value with a line break
    /// is refused before sending.
    pub content_type: Option<String>,
}

impl FilePart {
    /// A file named `filename` with `bytes` as contents (a `Vec<u8>`, a
    /// `String`, a `&'static [u8]`, or [`Bytes`], which is not copied).
    pub fn new(filename: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        FilePart { filename: filename.into(), bytes: bytes.into(), content_type: None }
    }

    /// Sets the part's media type (`image/png`).
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

/// The contents as a length, so that a log line holds no file.
impl fmt::Debug for FilePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilePart")
            .field("filename", &self.filename)
            .field("bytes", &format_args!("<{} bytes>", self.bytes.len()))
            .field("content_type", &self.content_type)
            .finish()
    }
}

/// The struct name [`multipart_body`] recognises a [`FilePart`] by. Other
/// serialisers see a plain struct (`{"filename", "content_type", "bytes"}`).
const FILE_PART: &str = "$client_runtime::FilePart";

impl Serialize for FilePart {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        struct Contents<'a>(&'a [u8]);
        impl Serialize for Contents<'_> {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_bytes(self.0)
            }
        }
        let mut file = serializer.serialize_struct(FILE_PART, 3)?;
        file.serialize_field("filename", &self.filename)?;
        file.serialize_field("content_type", &self.content_type)?;
        file.serialize_field("bytes", &Contents(&self.bytes))?;
        file.end()
    }
}

impl<'de> serde::Deserialize<'de> for FilePart {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Wire {
            filename: String,
            #[serde(default)]
            content_type: Option<String>,
            bytes: Vec<u8>,
        }
        let wire = Wire::deserialize(deserializer)?;
        Ok(FilePart { filename: wire.filename, bytes: wire.bytes.into(), content_type: wire.content_type })
    }
}

/// Encodes a `multipart/form-data` request body: one part per top-level
/// property of `value` (an object), skipping `null`s. A [`FilePart`] (or each
/// of an array of them) is a file part; a string is a text part; anything else
/// is JSON. `file_types` holds the media type the spec's `encoding` gives a
/// file property, by property name.
pub fn multipart_body<T: Serialize + ?Sized>(value: &T, file_types: &[(&str, &str)]) -> Result<crate::Body, InvalidRequest> {
    let mut form = Form { boundary: format!("client-runtime-{:032x}", fastrand::u128(..)), data: Vec::new(), file_types };
    match value.serialize(FormSerializer(&mut form)) {
        Ok(()) => {}
        Err(PartError::Invalid(message)) => return Err(InvalidRequest::new("body", message)),
        Err(PartError::NotAFile) => return Err(InvalidRequest::new("body", "a multipart body must be an object")),
    }
    form.data.extend_from_slice(format!("--{}--\r\n", form.boundary).as_bytes());
    Ok(crate::Body::Bytes { content_type: format!("multipart/form-data; boundary={}", form.boundary), data: form.data })
}

struct Form<'t> {
    boundary: String,
    data: Vec<u8>,
    file_types: &'t [(&'t str, &'t str)],
}

impl Form<'_> {
    /// Writes the part(s) of property `name`.
    fn property<T: Serialize + ?Sized>(&mut self, name: &str, value: &T) -> Result<(), PartError> {
        if name.contains(['"', '\r', '\n']) {
            return Err(PartError::Invalid(format!("the part name {name:?} cannot be sent in a header")));
        }
        let start = self.data.len();
        match value.serialize(FileSerializer { form: self, name }) {
            Ok(()) => return Ok(()),
            Err(PartError::NotAFile) => self.data.truncate(start),
            Err(invalid) => return Err(invalid),
        }
        let (content_type, text) = match serde_json::to_value(value) {
            Ok(serde_json::Value::Null) => return Ok(()),
            Ok(serde_json::Value::String(s)) => ("text/plain; charset=utf-8", s),
            Ok(other) => ("application/json", other.to_string()),
            Err(e) => return Err(PartError::Invalid(format!("the part {name:?} cannot be encoded: {e}"))),
        };
        self.part(&format!("name=\"{name}\""), content_type, text.as_bytes())
    }

    fn part(&mut self, disposition: &str, content_type: &str, contents: &[u8]) -> Result<(), PartError> {
        let boundary = self.boundary.as_bytes();
        if contents.windows(boundary.len()).any(|w| w == boundary) {
            return Err(PartError::Invalid("a part contains the multipart boundary".into()));
        }
        self.data.extend_from_slice(
            format!("--{}\r\nContent-Disposition: form-data; {disposition}\r\nContent-Type: {content_type}\r\n\r\n", self.boundary).as_bytes(),
        );
        self.data.extend_from_slice(contents);
        self.data.extend_from_slice(b"\r\n");
        Ok(())
    }

    fn file(&mut self, name: &str, file: &CapturedFile, contents: &[u8]) -> Result<(), PartError> {
        let content_type = match &file.content_type {
            Some(given) => given.as_str(),
            None => self.file_types.iter().find(|(part, _)| *part == name).map_or("application/octet-stream", |(_, ty)| ty),
        };
        if content_type.chars().any(char::is_control) {
            return Err(PartError::Invalid(format!("the content type of file part {name:?} cannot be sent in a header")));
        }
        // As browsers encode it (WHATWG HTML, "multipart/form-data encoding algorithm").
        let filename = file.filename.replace('"', "%22").replace('\r', "%0D").replace('\n', "%0A");
        let disposition = format!("name=\"{name}\"; filename=\"{filename}\"");
        let content_type = content_type.to_owned();
        self.part(&disposition, &content_type, contents)
    }
}

/// Why a value did not go into the form.
#[derive(Debug)]
enum PartError {
    /// The value is not a [`FilePart`] (nor an array of them): it is sent as
    /// text or JSON instead.
    NotAFile,
    Invalid(String),
}

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartError::NotAFile => f.write_str("not a file"),
            PartError::Invalid(message) => f.write_str(message),
        }
    }
}

impl std::error::Error for PartError {}

impl ser::Error for PartError {
    fn custom<T: fmt::Display>(message: T) -> Self {
        PartError::Invalid(message.to_string())
    }
}

/// `fn serialize_x(self, ..) -> Result<Self::Ok, PartError> { Err(error) }` for each listed method.
macro_rules! refuse {
    ($error:expr; $($method:ident($($arg:ty),*) -> $ok:ty;)*) => {
        $(fn $method(self, $(_: $arg),*) -> Result<$ok, PartError> { Err($error) })*
    };
}

/// The methods of [`Serializer`] a form or a file part does not take, each
/// refused with `$error`.
macro_rules! refuse_all_but_structs {
    ($error:expr) => {
        refuse! { $error;
            serialize_bool(bool) -> (); serialize_i8(i8) -> (); serialize_i16(i16) -> (); serialize_i32(i32) -> ();
            serialize_i64(i64) -> (); serialize_u8(u8) -> (); serialize_u16(u16) -> (); serialize_u32(u32) -> ();
            serialize_u64(u64) -> (); serialize_f32(f32) -> (); serialize_f64(f64) -> (); serialize_char(char) -> ();
            serialize_str(&str) -> (); serialize_bytes(&[u8]) -> (); serialize_none() -> (); serialize_unit() -> ();
            serialize_unit_struct(&'static str) -> (); serialize_unit_variant(&'static str, u32, &'static str) -> ();
            serialize_tuple(usize) -> Impossible<(), PartError>;
            serialize_tuple_struct(&'static str, usize) -> Impossible<(), PartError>;
            serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), PartError>;
            serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), PartError>;
        }
        fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), PartError> {
            Err($error)
        }
        fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PartError> {
            value.serialize(self)
        }
        fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), PartError> {
            value.serialize(self)
        }
    };
}

/// The body itself: a struct or a map, one part per entry.
struct FormSerializer<'f, 't>(&'f mut Form<'t>);

fn not_an_object() -> PartError {
    PartError::Invalid("a multipart body must be an object".into())
}

impl<'f, 't> Serializer for FormSerializer<'f, 't> {
    type Ok = ();
    type Error = PartError;
    type SerializeSeq = Impossible<(), PartError>;
    type SerializeTuple = Impossible<(), PartError>;
    type SerializeTupleStruct = Impossible<(), PartError>;
    type SerializeTupleVariant = Impossible<(), PartError>;
    type SerializeMap = FormMap<'f, 't>;
    type SerializeStruct = FormMap<'f, 't>;
    type SerializeStructVariant = Impossible<(), PartError>;

    refuse_all_but_structs!(not_an_object());

    fn serialize_seq(self, _: Option<usize>) -> Result<Self::SerializeSeq, PartError> {
        Err(not_an_object())
    }

    fn serialize_map(self, _: Option<usize>) -> Result<FormMap<'f, 't>, PartError> {
        Ok(FormMap { form: self.0, key: None })
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<FormMap<'f, 't>, PartError> {
        Ok(FormMap { form: self.0, key: None })
    }
}

struct FormMap<'f, 't> {
    form: &'f mut Form<'t>,
    key: Option<String>,
}

impl SerializeStruct for FormMap<'_, '_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), PartError> {
        self.form.property(key, value)
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

impl SerializeMap for FormMap<'_, '_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), PartError> {
        match serde_json::to_value(key) {
            Ok(serde_json::Value::String(key)) => {
                self.key = Some(key);
                Ok(())
            }
            _ => Err(PartError::Invalid("a multipart body's keys must be strings".into())),
        }
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        let key = self.key.take().unwrap_or_default();
        self.form.property(&key, value)
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

/// One property's value, written as file parts if it is a [`FilePart`] or an
/// array of them; anything else is [`PartError::NotAFile`], before anything
/// is written for it.
struct FileSerializer<'f, 't, 'n> {
    form: &'f mut Form<'t>,
    name: &'n str,
}

impl<'f, 't, 'n> Serializer for FileSerializer<'f, 't, 'n> {
    type Ok = ();
    type Error = PartError;
    type SerializeSeq = FileSeq<'f, 't, 'n>;
    type SerializeTuple = Impossible<(), PartError>;
    type SerializeTupleStruct = Impossible<(), PartError>;
    type SerializeTupleVariant = Impossible<(), PartError>;
    type SerializeMap = Impossible<(), PartError>;
    type SerializeStruct = FileFields<'f, 't, 'n>;
    type SerializeStructVariant = Impossible<(), PartError>;

    refuse_all_but_structs!(PartError::NotAFile);

    fn serialize_seq(self, _: Option<usize>) -> Result<FileSeq<'f, 't, 'n>, PartError> {
        Ok(FileSeq { form: self.form, name: self.name, files: 0 })
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self::SerializeMap, PartError> {
        Err(PartError::NotAFile)
    }

    fn serialize_struct(self, name: &'static str, _: usize) -> Result<FileFields<'f, 't, 'n>, PartError> {
        if name != FILE_PART {
            return Err(PartError::NotAFile);
        }
        Ok(FileFields { form: self.form, name: self.name, file: CapturedFile::default() })
    }
}

/// An array: each item must be a file. (An empty one is not taken for files:
/// nothing tells it from an empty array of anything else, so it goes as JSON.)
struct FileSeq<'f, 't, 'n> {
    form: &'f mut Form<'t>,
    name: &'n str,
    files: usize,
}

impl SerializeSeq for FileSeq<'_, '_, '_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), PartError> {
        self.files += 1;
        value.serialize(FileSerializer { form: self.form, name: self.name })
    }

    fn end(self) -> Result<(), PartError> {
        if self.files == 0 {
            return Err(PartError::NotAFile);
        }
        Ok(())
    }
}

/// The name and media type of a file part, known before its contents arrive
/// (a [`FilePart`] serialises them first).
#[derive(Default)]
struct CapturedFile {
    filename: String,
    content_type: Option<String>,
}

struct FileFields<'f, 't, 'n> {
    form: &'f mut Form<'t>,
    name: &'n str,
    file: CapturedFile,
}

impl SerializeStruct for FileFields<'_, '_, '_> {
    type Ok = ();
    type Error = PartError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), PartError> {
        let invalid = |e: serde_json::Error| PartError::Invalid(e.to_string());
        match key {
            "filename" => self.file.filename = serde_json::from_value(serde_json::to_value(value).map_err(invalid)?).map_err(invalid)?,
            "content_type" => self.file.content_type = serde_json::from_value(serde_json::to_value(value).map_err(invalid)?).map_err(invalid)?,
            _ => value.serialize(Contents { form: self.form, name: self.name, file: &self.file })?,
        }
        Ok(())
    }

    fn end(self) -> Result<(), PartError> {
        Ok(())
    }
}

/// A file's contents, written straight into the body (one copy).
struct Contents<'f, 't, 'n, 'c> {
    form: &'f mut Form<'t>,
    name: &'n str,
    file: &'c CapturedFile,
}

impl Serializer for Contents<'_, '_, '_, '_> {
    type Ok = ();
    type Error = PartError;
    type SerializeSeq = Impossible<(), PartError>;
    type SerializeTuple = Impossible<(), PartError>;
    type SerializeTupleStruct = Impossible<(), PartError>;
    type SerializeTupleVariant = Impossible<(), PartError>;
    type SerializeMap = Impossible<(), PartError>;
    type SerializeStruct = Impossible<(), PartError>;
    type SerializeStructVariant = Impossible<(), PartError>;

    refuse! { PartError::Invalid("a file's contents must be bytes".into());
        serialize_bool(bool) -> (); serialize_i8(i8) -> (); serialize_i16(i16) -> (); serialize_i32(i32) -> ();
        serialize_i64(i64) -> (); serialize_u8(u8) -> (); serialize_u16(u16) -> (); serialize_u32(u32) -> ();
        serialize_u64(u64) -> (); serialize_f32(f32) -> (); serialize_f64(f64) -> (); serialize_char(char) -> ();
        serialize_str(&str) -> (); serialize_none() -> (); serialize_unit() -> ();
        serialize_unit_struct(&'static str) -> (); serialize_unit_variant(&'static str, u32, &'static str) -> ();
        serialize_seq(Option<usize>) -> Impossible<(), PartError>;
        serialize_tuple(usize) -> Impossible<(), PartError>;
        serialize_tuple_struct(&'static str, usize) -> Impossible<(), PartError>;
        serialize_tuple_variant(&'static str, u32, &'static str, usize) -> Impossible<(), PartError>;
        serialize_map(Option<usize>) -> Impossible<(), PartError>;
        serialize_struct(&'static str, usize) -> Impossible<(), PartError>;
        serialize_struct_variant(&'static str, u32, &'static str, usize) -> Impossible<(), PartError>;
    }

    fn serialize_bytes(self, contents: &[u8]) -> Result<(), PartError> {
        self.form.file(self.name, self.file, contents)
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), PartError> {
        value.serialize(self)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), PartError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(self, _: &'static str, _: u32, _: &'static str, _: &T) -> Result<(), PartError> {
        Err(PartError::Invalid("a file's contents must be bytes".into()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encode<T: Serialize + ?Sized>(value: &T, file_types: &[(&str, &str)]) -> (String, Vec<u8>) {
        let crate::Body::Bytes { content_type, data } = multipart_body(value, file_types).unwrap() else { panic!("not bytes") };
        let boundary = content_type.strip_prefix("multipart/form-data; boundary=").unwrap().to_owned();
        (boundary, data)
    }

    #[test]
    fn each_property_is_a_part_with_a_boundary_in_the_content_type() {
        let (boundary, data) = encode(&serde_json::json!({"caption": "hi", "tags": ["a"], "skip": null}), &[]);
        let text = String::from_utf8(data).unwrap();
        assert!(text.starts_with(&format!("--{boundary}\r\n")), "{text}");
        assert!(text.contains("name=\"caption\"\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"), "{text}");
        assert!(text.contains("name=\"tags\"\r\nContent-Type: application/json\r\n\r\n[\"a\"]\r\n"), "{text}");
        assert!(!text.contains("skip"));
        assert!(text.ends_with(&format!("--{boundary}--\r\n")));
        assert!(multipart_body(&[1, 2], &[]).is_err());
        assert!(multipart_body("text", &[]).is_err());
    }

    #[derive(serde::Serialize)]
    struct Upload {
        file: FilePart,
        #[serde(skip_serializing_if = "Option::is_none")]
        thumbnail: Option<FilePart>,
        pages: Vec<FilePart>,
        empty: Vec<FilePart>,
        caption: Option<String>,
    }

    #[test]
    fn files_are_parts_with_a_filename_their_bytes_and_a_content_type() {
        let bytes = vec![0u8, 0xff, b'\r', b'\n', b'-', b'-'];
        let upload = Upload {
            file: FilePart::new("a \"b\"\r\n.bin", bytes.clone()),
            thumbnail: Some(FilePart::new("t.png", &b"png"[..])),
            pages: vec![FilePart::new("1.txt", "one").content_type("text/plain"), FilePart::new("2.txt", "two")],
            empty: Vec::new(),
            caption: None,
        };
        let (boundary, data) = encode(&upload, &[("thumbnail", "image/png"), ("pages", "text/markdown")]);
        let mut expected = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a %22b%22%0D%0A.bin\"\r\nContent-Type: application/octet-stream\r\n\r\n"
        )
        .into_bytes();
        expected.extend_from_slice(&bytes);
        expected.extend_from_slice(format!("\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"thumbnail\"; filename=\"t.png\"\r\nContent-Type: image/png\r\n\r\npng\r\n").as_bytes());
        expected.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"pages\"; filename=\"1.txt\"\r\nContent-Type: text/plain\r\n\r\none\r\n").as_bytes());
        expected.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"pages\"; filename=\"2.txt\"\r\nContent-Type: text/markdown\r\n\r\ntwo\r\n").as_bytes());
        expected.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"empty\"\r\nContent-Type: application/json\r\n\r\n[]\r\n").as_bytes());
        expected.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        assert_eq!(String::from_utf8_lossy(&data), String::from_utf8_lossy(&expected));
        assert_eq!(data, expected);
    }

    #[test]
    fn a_content_type_that_would_split_the_header_is_refused() {
        let upload = Upload {
            file: FilePart::new("a", "x").content_type("text/plain\r\nX-Evil: 1"),
            thumbnail: None,
            pages: Vec::new(),
            empty: Vec::new(),
            caption: None,
        };
        let e = multipart_body(&upload, &[]).unwrap_err();
        assert!(e.to_string().contains("content type"), "{e}");
    }

    #[test]
    fn elsewhere_a_file_is_a_plain_object_and_reads_back() {
        let file = FilePart::new("a.txt", "hi").content_type("text/plain");
        let json = serde_json::to_value(&file).unwrap();
        assert_eq!(json, serde_json::json!({"filename": "a.txt", "content_type": "text/plain", "bytes": [104, 105]}));
        assert_eq!(serde_json::from_value::<FilePart>(json).unwrap(), file);
        assert_eq!(format!("{file:?}"), r#"FilePart { filename: "a.txt", bytes: <2 bytes>, content_type: Some("text/plain") }"#);
    }
}
