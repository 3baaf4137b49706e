import { Form, type FormInstance, Modal } from 'antd';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';

interface Props<V> {
  open: boolean;
  title: ReactNode;
  onClose: () => void;
  form: FormInstance<V>;
  /** The form's name: antd derives the fields' element ids from it (labels point at the right field). */
  name: string;
  onFinish: (values: V) => void;
  saving: boolean;
  /** Set into the form each time the dialog opens; omit to keep `initialValues`. */
  valuesOnOpen?: () => Partial<V> | undefined;
  /**
   * Reset the fields before `valuesOnOpen` (default true: a new item starts empty). A reset remounts the
   * fields once the open animation ends, so a form that always sets every field passes false.
   */
  resetOnOpen?: boolean;
  initialValues?: Partial<V>;
  okText?: string;
  /** Show required marks (default false). */
  requiredMark?: boolean;
  children: ReactNode;
}

/** A dialog holding one vertical form: OK submits it, Cancel closes, contents are destroyed when hidden. */
export function FormModal<V extends object>({
  open,
  title,
  onClose,
  form,
  name,
  onFinish,
  saving,
  valuesOnOpen,
  resetOnOpen = true,
  initialValues,
  okText,
  requiredMark = false,
  children,
}: Props<V>) {
  const { t } = useTranslation('common');
  return (
    <Modal
      open={open}
      title={title}
      onCancel={onClose}
      onOk={() => form.submit()}
      okText={okText ?? t('save')}
      cancelText={t('cancel')}
      confirmLoading={saving}
      destroyOnHidden
      afterOpenChange={(isOpen) => {
        if (!isOpen || !valuesOnOpen) return;
        if (resetOnOpen) form.resetFields();
        const values = valuesOnOpen();
        if (values) form.setFieldsValue(values as Parameters<FormInstance<V>['setFieldsValue']>[0]);
      }}
    >
      <Form<V>
        form={form}
        name={name}
        layout="vertical"
        initialValues={initialValues}
        onFinish={onFinish}
        requiredMark={requiredMark}
      >
        {children}
      </Form>
    </Modal>
  );
}
