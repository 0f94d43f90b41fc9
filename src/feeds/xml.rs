//! A small layer over quick-xml's writer: elements with attributes and escaped text.

use anyhow::Result;
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};

/// An XML document being written, indented by two spaces.
pub struct Xml {
    w: Writer<Vec<u8>>,
}

impl Xml {
    /// Starts a document with the XML declaration.
    pub fn new() -> Result<Xml> {
        let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
        w.write_event(Event::Decl(BytesDecl::new("1.0", Some("utf-8"), None)))?;
        Ok(Xml { w })
    }

    /// Opens `<name attrs...>`.
    pub fn open(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<()> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))?;
        Ok(())
    }

    /// Closes `</name>`.
    pub fn close(&mut self, name: &str) -> Result<()> {
        self.w.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    /// Writes `<name attrs...>text</name>`, escaping the text.
    pub fn text(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) -> Result<()> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Start(start))?;
        self.w.write_event(Event::Text(BytesText::new(text)))?;
        self.w.write_event(Event::End(BytesEnd::new(name)))?;
        Ok(())
    }

    /// Writes `<name attrs.../>`.
    pub fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) -> Result<()> {
        let start = BytesStart::new(name).with_attributes(attrs.iter().copied());
        self.w.write_event(Event::Empty(start))?;
        Ok(())
    }

    /// The document's bytes, ending in a newline.
    pub fn finish(self) -> Vec<u8> {
        let mut v = self.w.into_inner();
        v.push(b'\n');
        v
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn escapes_text_and_attributes() {
        let mut x = super::Xml::new().unwrap();
        x.text("t", &[("a", "\"<&")], "</t><script>").unwrap();
        let s = String::from_utf8(x.finish()).unwrap();
        assert!(
            s.contains(r#"<t a="&quot;&lt;&amp;">&lt;/t&gt;&lt;script&gt;</t>"#),
            "{s}"
        );
    }
}
