//! Network filters and their bindings.

use crate::call::Call;
use crate::remote::{NwFilter, NwFilterBinding, Procedure};
use crate::xdr::Uuid;
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::NwFilterLookupByUuid`] (`remote_nwfilter_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterLookupByUuidArgs {
    pub uuid: Uuid,
}

/// Reply of [`Procedure::NwFilterLookupByUuid`] (`remote_nwfilter_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterLookupByUuidRet {
    pub nwfilter: NwFilter,
}

/// Arguments of [`Procedure::NwFilterLookupByName`] (`remote_nwfilter_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::NwFilterLookupByName`] (`remote_nwfilter_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterLookupByNameRet {
    pub nwfilter: NwFilter,
}

/// Arguments of [`Procedure::NwFilterDefineXml`] (`remote_nwfilter_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterDefineXmlArgs {
    pub xml: String,
}

/// Reply of [`Procedure::NwFilterDefineXml`] (`remote_nwfilter_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterDefineXmlRet {
    pub nwfilter: NwFilter,
}

/// Arguments of [`Procedure::NwFilterDefineXmlFlags`] (`remote_nwfilter_define_xml_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterDefineXmlFlagsArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NwFilterDefineXmlFlags`] (`remote_nwfilter_define_xml_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterDefineXmlFlagsRet {
    pub nwfilter: NwFilter,
}

/// Arguments of [`Procedure::NwFilterUndefine`] (`remote_nwfilter_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterUndefineArgs {
    pub nwfilter: NwFilter,
}

/// Arguments of [`Procedure::NwFilterGetXmlDesc`] (`remote_nwfilter_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterGetXmlDescArgs {
    pub nwfilter: NwFilter,
    pub flags: u32,
}

/// Reply of [`Procedure::NwFilterGetXmlDesc`] (`remote_nwfilter_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::NwFilterBindingLookupByPortDev`] (`remote_nwfilter_binding_lookup_by_port_dev_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingLookupByPortDevArgs {
    pub name: String,
}

/// Reply of [`Procedure::NwFilterBindingLookupByPortDev`] (`remote_nwfilter_binding_lookup_by_port_dev_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingLookupByPortDevRet {
    pub nwfilter: NwFilterBinding,
}

/// Arguments of [`Procedure::NwFilterBindingCreateXml`] (`remote_nwfilter_binding_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingCreateXmlArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::NwFilterBindingCreateXml`] (`remote_nwfilter_binding_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingCreateXmlRet {
    pub nwfilter: NwFilterBinding,
}

/// Arguments of [`Procedure::NwFilterBindingDelete`] (`remote_nwfilter_binding_delete_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingDeleteArgs {
    pub nwfilter: NwFilterBinding,
}

/// Arguments of [`Procedure::NwFilterBindingGetXmlDesc`] (`remote_nwfilter_binding_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingGetXmlDescArgs {
    pub nwfilter: NwFilterBinding,
    pub flags: u32,
}

/// Reply of [`Procedure::NwFilterBindingGetXmlDesc`] (`remote_nwfilter_binding_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct NwFilterBindingGetXmlDescRet {
    pub xml: String,
}

calls! {
    NwFilterLookupByNameArgs => NwFilterLookupByName, NwFilterLookupByNameRet;
    NwFilterLookupByUuidArgs => NwFilterLookupByUuid, NwFilterLookupByUuidRet;
    NwFilterGetXmlDescArgs => NwFilterGetXmlDesc, NwFilterGetXmlDescRet;
    NwFilterDefineXmlArgs => NwFilterDefineXml, NwFilterDefineXmlRet;
    NwFilterUndefineArgs => NwFilterUndefine, ();
    NwFilterBindingLookupByPortDevArgs => NwFilterBindingLookupByPortDev, NwFilterBindingLookupByPortDevRet;
    NwFilterBindingGetXmlDescArgs => NwFilterBindingGetXmlDesc, NwFilterBindingGetXmlDescRet;
    NwFilterBindingCreateXmlArgs => NwFilterBindingCreateXml, NwFilterBindingCreateXmlRet;
    NwFilterBindingDeleteArgs => NwFilterBindingDelete, ();
    NwFilterDefineXmlFlagsArgs => NwFilterDefineXmlFlags, NwFilterDefineXmlFlagsRet;
}
