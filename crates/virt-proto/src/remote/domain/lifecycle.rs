//! Domain lookup, definition, lifecycle, state, and general properties.

use crate::call::Call;
use crate::remote::limits::DOMAIN_SAVE_PARAMS_MAX;
use crate::remote::{Domain, Procedure, TypedParam};
use crate::xdr::{Uuid, limit};
use serde::{Deserialize, Serialize};

/// Arguments of [`Procedure::DomainCreateXml`] (`remote_domain_create_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateXmlArgs {
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCreateXml`] (`remote_domain_create_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateXmlRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainCreateXmlWithFiles`] (`remote_domain_create_xml_with_files_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateXmlWithFilesArgs {
    pub xml_desc: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCreateXmlWithFiles`] (`remote_domain_create_xml_with_files_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateXmlWithFilesRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainLookupById`] (`remote_domain_lookup_by_id_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByIdArgs {
    pub id: i32,
}

/// Reply of [`Procedure::DomainLookupById`] (`remote_domain_lookup_by_id_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByIdRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainLookupByUuid`] (`remote_domain_lookup_by_uuid_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByUuidArgs {
    pub uuid: Uuid,
}

/// Reply of [`Procedure::DomainLookupByUuid`] (`remote_domain_lookup_by_uuid_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByUuidRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainLookupByName`] (`remote_domain_lookup_by_name_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByNameArgs {
    pub name: String,
}

/// Reply of [`Procedure::DomainLookupByName`] (`remote_domain_lookup_by_name_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainLookupByNameRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainSuspend`] (`remote_domain_suspend_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSuspendArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainResume`] (`remote_domain_resume_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainResumeArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainPmSuspendForDuration`] (`remote_domain_pm_suspend_for_duration_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPmSuspendForDurationArgs {
    pub dom: Domain,
    pub target: u32,
    pub duration: u64,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainPmWakeup`] (`remote_domain_pm_wakeup_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainPmWakeupArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainShutdown`] (`remote_domain_shutdown_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainShutdownArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainReboot`] (`remote_domain_reboot_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRebootArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainReset`] (`remote_domain_reset_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainResetArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainDestroy`] (`remote_domain_destroy_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDestroyArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainDestroyFlags`] (`remote_domain_destroy_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDestroyFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetOsType`] (`remote_domain_get_os_type_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetOsTypeArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetOsType`] (`remote_domain_get_os_type_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetOsTypeRet {
    pub type_: String,
}

/// Arguments of [`Procedure::DomainGetInfo`] (`remote_domain_get_info_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetInfoArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetInfo`] (`remote_domain_get_info_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetInfoRet {
    pub state: u8,
    pub max_mem: u64,
    pub memory: u64,
    pub nr_virt_cpu: u16,
    pub cpu_time: u64,
}

/// Arguments of [`Procedure::DomainSave`] (`remote_domain_save_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSaveArgs {
    pub dom: Domain,
    pub to: String,
}

/// Arguments of [`Procedure::DomainSaveFlags`] (`remote_domain_save_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSaveFlagsArgs {
    pub dom: Domain,
    pub to: String,
    pub dxml: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSaveParams`] (`remote_domain_save_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainSaveParamsArgs {
    pub dom: Domain,
    /// At most [`DOMAIN_SAVE_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SAVE_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainRestore`] (`remote_domain_restore_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRestoreArgs {
    pub from: String,
}

/// Arguments of [`Procedure::DomainRestoreFlags`] (`remote_domain_restore_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRestoreFlagsArgs {
    pub from: String,
    pub dxml: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainRestoreParams`] (`remote_domain_restore_params_args`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct DomainRestoreParamsArgs {
    /// At most [`DOMAIN_SAVE_PARAMS_MAX`] items.
    #[serde(deserialize_with = "limit::seq::<_, _, { DOMAIN_SAVE_PARAMS_MAX }>")]
    pub params: Vec<TypedParam>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainSaveImageGetXmlDesc`] (`remote_domain_save_image_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSaveImageGetXmlDescArgs {
    pub file: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainSaveImageGetXmlDesc`] (`remote_domain_save_image_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSaveImageGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainSaveImageDefineXml`] (`remote_domain_save_image_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSaveImageDefineXmlArgs {
    pub file: String,
    pub dxml: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainCoreDump`] (`remote_domain_core_dump_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCoreDumpArgs {
    pub dom: Domain,
    pub to: String,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainCoreDumpWithFormat`] (`remote_domain_core_dump_with_format_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCoreDumpWithFormatArgs {
    pub dom: Domain,
    pub to: String,
    pub dumpformat: u32,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetXmlDesc`] (`remote_domain_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetXmlDescArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetXmlDesc`] (`remote_domain_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainCreate`] (`remote_domain_create_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainCreateWithFlags`] (`remote_domain_create_with_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateWithFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCreateWithFlags`] (`remote_domain_create_with_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateWithFlagsRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainCreateWithFiles`] (`remote_domain_create_with_files_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateWithFilesArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainCreateWithFiles`] (`remote_domain_create_with_files_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainCreateWithFilesRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainDefineXml`] (`remote_domain_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDefineXmlArgs {
    pub xml: String,
}

/// Reply of [`Procedure::DomainDefineXml`] (`remote_domain_define_xml_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDefineXmlRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainDefineXmlFlags`] (`remote_domain_define_xml_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDefineXmlFlagsArgs {
    pub xml: String,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainDefineXmlFlags`] (`remote_domain_define_xml_flags_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainDefineXmlFlagsRet {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainUndefine`] (`remote_domain_undefine_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainUndefineArgs {
    pub dom: Domain,
}

/// Arguments of [`Procedure::DomainUndefineFlags`] (`remote_domain_undefine_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainUndefineFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetAutostart`] (`remote_domain_get_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetAutostartArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainGetAutostart`] (`remote_domain_get_autostart_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetAutostartRet {
    pub autostart: i32,
}

/// Arguments of [`Procedure::DomainSetAutostart`] (`remote_domain_set_autostart_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetAutostartArgs {
    pub dom: Domain,
    pub autostart: i32,
}

/// Arguments of [`Procedure::DomainSetMetadata`] (`remote_domain_set_metadata_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetMetadataArgs {
    pub dom: Domain,
    pub type_: i32,
    pub metadata: Option<String>,
    pub key: Option<String>,
    pub uri: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetMetadata`] (`remote_domain_get_metadata_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMetadataArgs {
    pub dom: Domain,
    pub type_: i32,
    pub uri: Option<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetMetadata`] (`remote_domain_get_metadata_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetMetadataRet {
    pub metadata: String,
}

/// Arguments of [`Procedure::DomainIsActive`] (`remote_domain_is_active_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsActiveArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainIsActive`] (`remote_domain_is_active_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsActiveRet {
    pub active: i32,
}

/// Arguments of [`Procedure::DomainIsPersistent`] (`remote_domain_is_persistent_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsPersistentArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainIsPersistent`] (`remote_domain_is_persistent_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsPersistentRet {
    pub persistent: i32,
}

/// Arguments of [`Procedure::DomainIsUpdated`] (`remote_domain_is_updated_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsUpdatedArgs {
    pub dom: Domain,
}

/// Reply of [`Procedure::DomainIsUpdated`] (`remote_domain_is_updated_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainIsUpdatedRet {
    pub updated: i32,
}

/// Arguments of [`Procedure::DomainManagedSave`] (`remote_domain_managed_save_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainManagedSaveArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainHasManagedSaveImage`] (`remote_domain_has_managed_save_image_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainHasManagedSaveImageArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainHasManagedSaveImage`] (`remote_domain_has_managed_save_image_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainHasManagedSaveImageRet {
    pub result: i32,
}

/// Arguments of [`Procedure::DomainManagedSaveRemove`] (`remote_domain_managed_save_remove_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainManagedSaveRemoveArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainManagedSaveGetXmlDesc`] (`remote_domain_managed_save_get_xml_desc_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainManagedSaveGetXmlDescArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainManagedSaveGetXmlDesc`] (`remote_domain_managed_save_get_xml_desc_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainManagedSaveGetXmlDescRet {
    pub xml: String,
}

/// Arguments of [`Procedure::DomainManagedSaveDefineXml`] (`remote_domain_managed_save_define_xml_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainManagedSaveDefineXmlArgs {
    pub dom: Domain,
    pub dxml: Option<String>,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainGetState`] (`remote_domain_get_state_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetStateArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainGetState`] (`remote_domain_get_state_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainGetStateRet {
    pub state: i32,
    pub reason: i32,
}

/// Arguments of [`Procedure::DomainShutdownFlags`] (`remote_domain_shutdown_flags_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainShutdownFlagsArgs {
    pub dom: Domain,
    pub flags: u32,
}

/// Arguments of [`Procedure::DomainRename`] (`remote_domain_rename_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRenameArgs {
    pub dom: Domain,
    pub new_name: Option<String>,
    pub flags: u32,
}

/// Reply of [`Procedure::DomainRename`] (`remote_domain_rename_ret`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainRenameRet {
    pub retcode: i32,
}

/// Arguments of [`Procedure::DomainSetLifecycleAction`] (`remote_domain_set_lifecycle_action_args`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct DomainSetLifecycleActionArgs {
    pub dom: Domain,
    pub type_: u32,
    pub action: u32,
    pub flags: u32,
}

calls! {
    DomainCreateArgs => DomainCreate, ();
    DomainCreateXmlArgs => DomainCreateXml, DomainCreateXmlRet;
    DomainDefineXmlArgs => DomainDefineXml, DomainDefineXmlRet;
    DomainDestroyArgs => DomainDestroy, ();
    DomainGetXmlDescArgs => DomainGetXmlDesc, DomainGetXmlDescRet;
    DomainGetAutostartArgs => DomainGetAutostart, DomainGetAutostartRet;
    DomainGetInfoArgs => DomainGetInfo, DomainGetInfoRet;
    DomainGetOsTypeArgs => DomainGetOsType, DomainGetOsTypeRet;
    DomainLookupByIdArgs => DomainLookupById, DomainLookupByIdRet;
    DomainLookupByNameArgs => DomainLookupByName, DomainLookupByNameRet;
    DomainLookupByUuidArgs => DomainLookupByUuid, DomainLookupByUuidRet;
    DomainRebootArgs => DomainReboot, ();
    DomainResumeArgs => DomainResume, ();
    DomainSetAutostartArgs => DomainSetAutostart, ();
    DomainShutdownArgs => DomainShutdown, ();
    DomainSuspendArgs => DomainSuspend, ();
    DomainUndefineArgs => DomainUndefine, ();
    DomainCoreDumpArgs => DomainCoreDump, ();
    DomainRestoreArgs => DomainRestore, ();
    DomainSaveArgs => DomainSave, ();
    DomainIsActiveArgs => DomainIsActive, DomainIsActiveRet;
    DomainIsPersistentArgs => DomainIsPersistent, DomainIsPersistentRet;
    DomainManagedSaveArgs => DomainManagedSave, ();
    DomainHasManagedSaveImageArgs => DomainHasManagedSaveImage, DomainHasManagedSaveImageRet;
    DomainManagedSaveRemoveArgs => DomainManagedSaveRemove, ();
    DomainCreateWithFlagsArgs => DomainCreateWithFlags, DomainCreateWithFlagsRet;
    DomainIsUpdatedArgs => DomainIsUpdated, DomainIsUpdatedRet;
    DomainGetStateArgs => DomainGetState, DomainGetStateRet;
    DomainUndefineFlagsArgs => DomainUndefineFlags, ();
    DomainSaveFlagsArgs => DomainSaveFlags, ();
    DomainRestoreFlagsArgs => DomainRestoreFlags, ();
    DomainDestroyFlagsArgs => DomainDestroyFlags, ();
    DomainSaveImageGetXmlDescArgs => DomainSaveImageGetXmlDesc, DomainSaveImageGetXmlDescRet;
    DomainSaveImageDefineXmlArgs => DomainSaveImageDefineXml, ();
    DomainResetArgs => DomainReset, ();
    DomainShutdownFlagsArgs => DomainShutdownFlags, ();
    DomainPmSuspendForDurationArgs => DomainPmSuspendForDuration, ();
    DomainSetMetadataArgs => DomainSetMetadata, ();
    DomainGetMetadataArgs => DomainGetMetadata, DomainGetMetadataRet;
    DomainPmWakeupArgs => DomainPmWakeup, ();
    DomainCreateXmlWithFilesArgs => DomainCreateXmlWithFiles, DomainCreateXmlWithFilesRet;
    DomainCreateWithFilesArgs => DomainCreateWithFiles, DomainCreateWithFilesRet;
    DomainCoreDumpWithFormatArgs => DomainCoreDumpWithFormat, ();
    DomainDefineXmlFlagsArgs => DomainDefineXmlFlags, DomainDefineXmlFlagsRet;
    DomainRenameArgs => DomainRename, DomainRenameRet;
    DomainManagedSaveGetXmlDescArgs => DomainManagedSaveGetXmlDesc, DomainManagedSaveGetXmlDescRet;
    DomainManagedSaveDefineXmlArgs => DomainManagedSaveDefineXml, ();
    DomainSetLifecycleActionArgs => DomainSetLifecycleAction, ();
    DomainSaveParamsArgs => DomainSaveParams, ();
    DomainRestoreParamsArgs => DomainRestoreParams, ();
}
